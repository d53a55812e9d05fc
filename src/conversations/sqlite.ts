import { configurationError } from '../core/errors.js';
import type { ConversationStore } from './conversation-store.js';
import { sqlStoreSettings } from './sql-options.js';

/** What this store uses of a better-sqlite3 `Database` (typed here so that better-sqlite3's types are not needed). */
export interface SqliteDatabaseLike {
  exec(sql: string): unknown;
  prepare(sql: string): { get(...values: unknown[]): unknown; run(...values: unknown[]): { changes: number } };
}

export interface SqliteConversationStoreOptions {
  /**
   * An open better-sqlite3 database: the ledger's (`sqliteLedgerStore.database`), so that
   * conversations live beside the records, or one of the app's. It stays the host's.
   */
  database: SqliteDatabaseLike;
  /** Default `zen_conversations`. */
  table?: string;
  /** How long a conversation lives after it was stored, in ms (default 30 days, as OpenAI keeps responses). */
  ttlMs?: number;
  /** The clock, for tests (default Date.now). */
  now?: () => number;
}

/**
 * Conversations in SQLite (one row per response, with its expiry), for `zen.responses`'
 * `previous_response_id`: durable across restarts, and shared by the processes of one machine
 * that open the same file. Expired rows are never returned and are purged as new ones are stored.
 * Like every conversation store it holds prompts and answers.
 */
export class SqliteConversationStore implements ConversationStore {
  private readonly select: ReturnType<SqliteDatabaseLike['prepare']>;
  private readonly upsert: ReturnType<SqliteDatabaseLike['prepare']>;
  private readonly remove: ReturnType<SqliteDatabaseLike['prepare']>;
  private readonly purge: ReturnType<SqliteDatabaseLike['prepare']>;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: SqliteConversationStoreOptions) {
    const database = options?.database as Partial<SqliteDatabaseLike> | undefined;
    if (typeof database?.prepare !== 'function' || typeof database.exec !== 'function') {
      throw configurationError(
        'SqliteConversationStore needs `database`: an open better-sqlite3 Database (a SqliteLedgerStore has it as `.database`).',
      );
    }
    const { table, ttlMs } = sqlStoreSettings('SqliteConversationStore', options, false);
    this.ttlMs = ttlMs;
    this.now = options.now ?? Date.now;
    database.exec(`
      CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS ${table}_expires_at ON ${table} (expires_at);
    `);
    this.select = database.prepare(`SELECT value FROM ${table} WHERE id = ? AND expires_at > ?`);
    this.upsert = database.prepare(
      `INSERT INTO ${table} (id, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    );
    this.remove = database.prepare(`DELETE FROM ${table} WHERE id = ? AND expires_at > ?`);
    this.purge = database.prepare(`DELETE FROM ${table} WHERE expires_at <= ?`);
  }

  async get(id: string): Promise<string | undefined> {
    const row = this.select.get(id, this.now()) as { value: string } | undefined;
    return row?.value;
  }

  async set(id: string, value: string): Promise<void> {
    const now = this.now();
    this.purge.run(now);
    this.upsert.run(id, value, now + this.ttlMs);
  }

  async delete(id: string): Promise<boolean> {
    return this.remove.run(id, this.now()).changes > 0;
  }
}
