import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { findPostgresBin, startPostgresServer, type PostgresServer } from './postgres-process.js';

/**
 * A real PostgreSQL for a test file: the server at ZEN_POSTGRES_URL when set (a fresh database on
 * it per file), else a private server this file starts (initdb into a temporary directory).
 *
 * `.ci/run` installs Debian's postgresql and sets ZEN_REQUIRE_POSTGRES=1, so CI fails when it is
 * missing. Elsewhere the Postgres tests are skipped with a note saying why.
 */
const sharedUrl = process.env.ZEN_POSTGRES_URL;
export const postgresAvailable = Boolean(sharedUrl) || findPostgresBin() !== undefined;

if (!postgresAvailable) {
  if (process.env.ZEN_REQUIRE_POSTGRES)
    throw new Error(
      'ZEN_REQUIRE_POSTGRES is set but PostgreSQL is not installed (apt-get install postgresql) and ZEN_POSTGRES_URL is not set.',
    );
  console.warn(
    'PostgreSQL is not installed: the Postgres ledger tests are skipped (apt-get install postgresql, or set ZEN_POSTGRES_URL, to run them).',
  );
}

export interface TestPostgres {
  /** A database of this file's own; empty until `beforeAll` has run. */
  url: string;
  /** The private server, when this file started one (for crash tests). */
  server: PostgresServer | undefined;
}

let tables = 0;
/** A table name no other test in the run uses. */
export function uniqueTable(prefix = 'ledger'): string {
  return `${prefix}_${process.pid}_${++tables}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Starts (or connects to) PostgreSQL before the file's tests and cleans up after them. */
export function usePostgres(): TestPostgres {
  const handle: TestPostgres = { url: '', server: undefined };
  let database: string | undefined;
  beforeAll(async () => {
    if (!postgresAvailable) return;
    if (sharedUrl) {
      database = uniqueTable('zen_test');
      await withClient(sharedUrl, (client) => client.query(`CREATE DATABASE ${database}`));
      const url = new URL(sharedUrl);
      url.pathname = `/${database}`;
      handle.url = url.toString();
    } else {
      handle.server = await startPostgresServer();
      handle.url = handle.server.url;
    }
  }, 60_000);
  afterAll(async () => {
    if (handle.server) await handle.server.stop();
    if (sharedUrl && database) await withClient(sharedUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }, 30_000);
  return handle;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
