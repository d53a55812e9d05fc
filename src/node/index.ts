/** zenrouter/node: the Node-only parts (file, SQLite and Postgres ledger stores). The main entry runs anywhere. */
export { JsonlLedgerStore, type JsonlLedgerStoreOptions, type JsonlRepair } from '../insurance/stores/jsonl.js';
export { SqliteLedgerStore, type SqliteLedgerStoreOptions } from '../insurance/stores/sqlite.js';
export { PostgresLedgerStore, type PostgresLedgerStoreOptions, type PGliteLike, type PostgresPoolLike, type PostgresQueryable } from '../insurance/stores/postgres.js';
