import { ZenError } from '../../core/errors.js';
import { importUnbundled, isModuleNotFound } from '../../core/optional-peer.js';

/** What the Postgres store needs to run one statement: node-postgres' `Pool` and PGlite both have it. */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** A node-postgres `Pool` (a `Client` will not do: transactions need a connection of their own). */
export interface PostgresPoolLike extends PostgresQueryable {
  connect(): Promise<PostgresQueryable & { release(error?: Error | boolean): void }>;
  end(): Promise<void>;
}

/** A PGlite database (`@electric-sql/pglite`): embedded Postgres for one process. */
export interface PGliteLike extends PostgresQueryable {
  transaction<T>(callback: (transaction: PostgresQueryable) => Promise<T>): Promise<T>;
}

/** Runs statements, alone or in one transaction, on a pool or on PGlite. */
export interface PostgresConnection {
  query<Row>(text: string, values?: unknown[]): Promise<Row[]>;
  transaction<T>(work: (query: <Row>(text: string, values?: unknown[]) => Promise<Row[]>) => Promise<T>): Promise<T>;
  /** Ends the pool when the store opened it. */
  end(): Promise<void>;
}

export function toConnection(database: PostgresPoolLike | PGliteLike, owned: boolean): PostgresConnection {
  const run =
    (queryable: PostgresQueryable) =>
    async <Row>(text: string, values?: unknown[]): Promise<Row[]> =>
      (await queryable.query(text, values)).rows as Row[];
  if (typeof (database as Partial<PGliteLike>).transaction === 'function') {
    const pglite = database as PGliteLike;
    return {
      query: run(pglite),
      transaction: (work) => pglite.transaction((transaction) => work(run(transaction))),
      end: async () => {},
    };
  }
  if (typeof (database as Partial<PostgresPoolLike>).connect !== 'function' || typeof database.query !== 'function') {
    throw new ZenError({
      kind: 'configuration',
      retryable: false,
      code: 'pool',
      message: 'PostgresLedgerStore `pool` must be a node-postgres Pool or a PGlite database',
    });
  }
  const pool = database as PostgresPoolLike;
  return {
    query: run(pool),
    async transaction(work) {
      const client = await pool.connect();
      if (typeof client?.query !== 'function') {
        throw new ZenError({
          kind: 'configuration',
          retryable: false,
          code: 'pool',
          message: 'PostgresLedgerStore `pool` must be a node-postgres Pool, not a Client',
        });
      }
      let failed: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(run(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        failed = error instanceof Error ? error : new Error(String(error));
        // A broken connection cannot roll back; it is destroyed below instead of going back to the pool.
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release(failed);
      }
    },
    end: async () => {
      if (owned) await pool.end();
    },
  };
}

interface PgModule {
  Pool: new (config: {
    connectionString: string;
    max?: number;
    application_name?: string;
  }) => PostgresPoolLike & { on(event: 'error', listener: (error: Error) => void): unknown };
}

/**
 * Opens a `pg` Pool for a connection string. `pg` is an optional peer dependency: only hosts
 * that use this store install it. `importModule` is for tests.
 * @internal
 */
export async function openPgPool(
  connectionString: string,
  max: number,
  importModule: () => Promise<unknown> = () => importUnbundled('pg'),
): Promise<PostgresPoolLike> {
  let loaded: unknown;
  try {
    loaded = await importModule();
  } catch (error) {
    throw new ZenError({
      kind: 'configuration',
      retryable: false,
      cause: error,
      message: isModuleNotFound(error)
        ? "PostgresLedgerStore needs the optional peer dependency 'pg': run `npm install pg` (or pass a PGlite database as `pool`)"
        : `PostgresLedgerStore could not load 'pg': ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  const module = loaded as Partial<PgModule> & { default?: Partial<PgModule> };
  const Pool = module.Pool ?? module.default?.Pool;
  if (typeof Pool !== 'function')
    throw new ZenError({ kind: 'configuration', retryable: false, message: "PostgresLedgerStore: the 'pg' module has no Pool" });
  const pool = new Pool({ connectionString, max, application_name: 'zenrouter-ledger' });
  // An idle connection the server drops must not crash the host; the next query reconnects.
  pool.on('error', () => {});
  return pool;
}
