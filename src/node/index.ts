/** zenrouter/node: the Node-only parts (file, SQLite and Postgres ledger stores). The main entry runs anywhere. */
export { JsonlLedgerStore, type JsonlLedgerStoreOptions, type JsonlRepair } from '../insurance/stores/jsonl.js';
export { SqliteLedgerStore, type SqliteLedgerStoreOptions } from '../insurance/stores/sqlite.js';
export { readDataset, countDataset, type ReadDatasetOptions, type DatasetFormat } from '../eval/read-dataset.js';
export { collectReport } from '../report/collect.js';
export { renderReport } from '../report/render.js';
export type { ReportData } from '../report/report-data.js';
export {
  PostgresLedgerStore,
  type PostgresLedgerStoreOptions,
  type PGliteLike,
  type PostgresPoolLike,
  type PostgresQueryable,
} from '../insurance/stores/postgres.js';
export { startDashboard, type Dashboard, type DashboardOptions } from '../dashboard/server.js';
export type { DashboardData, BudgetSection } from '../dashboard/dashboard-data.js';
export type { LedgerTail, TailBatch } from '../dashboard/tail/ledger-tail.js';
export { QueryTail, type QueryTailOptions } from '../dashboard/tail/query-tail.js';
export { JsonlTail } from '../dashboard/tail/jsonl-tail.js';
export { SqliteTail } from '../dashboard/tail/sqlite-tail.js';
export { PostgresTail, type PostgresTailOptions } from '../dashboard/tail/postgres-tail.js';
