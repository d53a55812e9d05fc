import { configurationError } from '../core/errors.js';
import type { ConversationStore } from './conversation-store.js';
import { sqlStoreSettings } from './sql-options.js';

/** What this store uses of a node-postgres `Pool` or a PGlite database. */
export interface PostgresQueryableLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface PostgresConversationStoreOptions {
  /**
   * A node-postgres `Pool` or a PGlite database: the one the app gave its PostgresLedgerStore
   * (`pool`), so that conversations live in the ledger's database, shared by every instance. It
   * stays the host's.
   */
  database: PostgresQueryableLike;
  /** Default `zen_conversations`, optionally schema-qualified. */
  table?: string;
  /** How long a conversation lives after it was stored, in ms (default 30 days, as OpenAI keeps responses). */
  ttlMs?: number;
  /** The clock, for tests (default Date.now). */
  now?: () => number;
}

/**
 * Conversations in PostgreSQL (one row per response, with its expiry): every process of an app
 * continues every conversation. The table is created on first use; expired rows are never
 * returned and are purged as new ones are stored. It holds prompts and answers.
 */
export class PostgresConversationStore implements ConversationStore {
  private readonly database: PostgresQueryableLike;
  private readonly table: string;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private ready: Promise<void> | undefined;

  constructor(options: PostgresConversationStoreOptions) {
    const database = options?.database as Partial<PostgresQueryableLike> | undefined;
    if (typeof database?.query !== 'function') {
      throw configurationError(
        'PostgresConversationStore needs `database`: a node-postgres Pool or a PGlite database (the pool your PostgresLedgerStore uses).',
      );
    }
    const { table, ttlMs } = sqlStoreSettings('PostgresConversationStore', options, true);
    this.database = database as PostgresQueryableLike;
    this.table = table;
    this.ttlMs = ttlMs;
    this.now = options.now ?? Date.now;
  }

  async get(id: string): Promise<string | undefined> {
    const rows = await this.query<{ value: string }>(`SELECT value FROM ${this.table} WHERE id = $1 AND expires_at > $2`, [id, this.now()]);
    return rows[0]?.value;
  }

  async set(id: string, value: string): Promise<void> {
    const now = this.now();
    await this.query(`DELETE FROM ${this.table} WHERE expires_at <= $1`, [now]);
    await this.query(
      `INSERT INTO ${this.table} (id, value, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
      [id, value, now + this.ttlMs],
    );
  }

  async delete(id: string): Promise<boolean> {
    return (await this.query(`DELETE FROM ${this.table} WHERE id = $1 AND expires_at > $2 RETURNING id`, [id, this.now()])).length > 0;
  }

  private async query<Row>(text: string, values: unknown[]): Promise<Row[]> {
    await this.createTable();
    return (await this.database.query(text, values)).rows as Row[];
  }

  /** Once per store; a failed attempt is tried again on the next call. */
  private createTable(): Promise<void> {
    this.ready ??= (async () => {
      const index = `${this.table.replace('.', '_')}_expires_at`;
      await this.database.query(
        `CREATE TABLE IF NOT EXISTS ${this.table} (id text PRIMARY KEY, value text NOT NULL, expires_at bigint NOT NULL)`,
      );
      await this.database.query(`CREATE INDEX IF NOT EXISTS ${index} ON ${this.table} (expires_at)`);
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}
