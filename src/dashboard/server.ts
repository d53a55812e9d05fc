import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ZenError } from '../core/errors.js';
import type { LedgerStore } from '../insurance/types.js';
import { CHART_SCRIPT } from '../report/chart-script.js';
import { uplotAssets } from '../report/page-parts.js';
import { DASHBOARD_SCRIPT } from './dashboard-script.js';
import type { DashboardData } from './dashboard-data.js';
import { DashboardTally } from './dashboard-tally.js';
import { LiveLedger } from './live-ledger.js';
import { DASHBOARD_STYLE, renderDashboardPage } from './page.js';
import type { LedgerTail } from './tail/ledger-tail.js';
import { tailForStore } from './tail/tail-for-store.js';

export interface DashboardOptions {
  /** The ledger to show: any LedgerStore (or give `tail`). It stays open when the dashboard closes (it is yours). */
  store?: LedgerStore;
  /** Default 7411; 0 picks a free port (read it from `dashboard.port`). */
  port?: number;
  /**
   * The address to listen on, default `127.0.0.1`: only this machine can see the page. Anything
   * else shows the ledger's figures to whoever can reach the address.
   */
  host?: string;
  /** Seconds between the page's polls for new figures, default 2. */
  refreshSeconds?: number;
  /** The page's title, default `zenrouter dashboard`. */
  title?: string;
  /** The ledger's name on the page, default the tail's (a file name, a table). */
  source?: string;
  /**
   * How the ledger is followed. By default: a JsonlLedgerStore by byte offset, a SqliteLedgerStore
   * by sequence number, any other store through `query` with a look-back window (QueryTail). For a
   * PostgresLedgerStore pass `new PostgresTail({ pool })` (the pool you gave the store) to follow it
   * by sequence number instead.
   * `new JsonlTail('ledger.jsonl')` follows a file that another process writes, read-only, without a store.
   */
  tail?: LedgerTail;
  /** Successful attempts kept for the latency timeline, default 2,000. */
  timelinePoints?: number;
  /** UTC days in the per-model charts, default 30. */
  days?: number;
}

export interface Dashboard {
  /** `http://127.0.0.1:7411/` */
  readonly url: string;
  readonly port: number;
  /** Reads what was appended to the ledger since the last read, and returns the figures. */
  refresh(): Promise<DashboardData>;
  /** Stops the server and stops following the ledger; the store stays open. */
  close(): Promise<void>;
}

const DEFAULT_PORT = 7411;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/**
 * Serves a live page over a ledger: requests, cost and credits per model per day, latency per
 * channel, claims, degradation events and (when the ledger has them) budgets. The ledger is read
 * once at start (in the background: the page shows the figures as they come) and then followed:
 * each poll of the page reads only what was appended since the last one. Node only.
 *
 * ```ts
 * const dashboard = await startDashboard({ store: await JsonlLedgerStore.open({ path: 'ledger.jsonl' }) });
 * console.log(dashboard.url); // http://127.0.0.1:7411/
 * ```
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const settings = checkOptions(options);
  const tail = options.tail ?? tailForStore(options.store!);
  const live = new LiveLedger(tail, new DashboardTally(settings), {
    title: settings.title,
    source: options.source ?? tail.source,
    refreshSeconds: settings.refreshSeconds,
  });
  const files = assets(settings.title);
  let port = settings.port;
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        send(response, 500, 'text/plain; charset=utf-8', `dashboard error: ${error instanceof Error ? error.message : String(error)}`);
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // A page on another site must not read the figures through a name that resolves here (DNS rebinding).
    if (LOOPBACK.has(settings.host) && !isLoopbackHost(request.headers.host, port))
      return send(response, 403, 'text/plain; charset=utf-8', 'forbidden host');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return send(response, 405, 'text/plain; charset=utf-8', 'method not allowed');
    }
    const path = new URL(request.url ?? '/', 'http://dashboard').pathname;
    if (path === '/api/snapshot') {
      // While the first read runs, answer with what it has so far rather than wait for all of it.
      if (!live.loading) await live.refresh();
      const etag = live.etag;
      response.setHeader('ETag', etag);
      response.setHeader('Cache-Control', 'no-cache');
      if (request.headers['if-none-match'] === etag) return send(response, 304);
      return send(response, 200, 'application/json; charset=utf-8', live.snapshotJson());
    }
    const file = files.get(path);
    if (!file) return send(response, 404, 'text/plain; charset=utf-8', 'not found');
    response.setHeader('Cache-Control', 'no-cache');
    return send(response, 200, file.type, file.body);
  }

  await listen(server, settings.port, settings.host);
  port = (server.address() as AddressInfo).port;
  void live.refresh();
  const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}/`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    refresh: async () => {
      await live.refresh();
      return live.snapshot();
    },
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await live.stop();
      })()),
  };
}

function send(response: ServerResponse, status: number, type?: string, body?: string): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
  if (type) response.setHeader('Content-Type', type);
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  const data = Buffer.from(body, 'utf8');
  response.setHeader('Content-Length', data.length);
  response.writeHead(status).end(response.req.method === 'HEAD' ? undefined : data);
}

function assets(title: string): Map<string, { type: string; body: string }> {
  const { script, style } = uplotAssets();
  const js = 'text/javascript; charset=utf-8';
  const css = 'text/css; charset=utf-8';
  return new Map([
    ['/', { type: 'text/html; charset=utf-8', body: renderDashboardPage(title) }],
    ['/assets/uplot.js', { type: js, body: script }],
    ['/assets/uplot.css', { type: css, body: style }],
    ['/assets/charts.js', { type: js, body: CHART_SCRIPT }],
    ['/assets/dashboard.js', { type: js, body: DASHBOARD_SCRIPT }],
    ['/assets/dashboard.css', { type: css, body: DASHBOARD_STYLE }],
  ]);
}

function isLoopbackHost(header: string | undefined, port: number): boolean {
  if (!header) return false;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(header.toLowerCase());
  if (!match) return false;
  const name = match[1]!.replace(/^\[|\]$/g, '');
  return LOOPBACK.has(name) && (match[2] === undefined || Number(match[2]) === port);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const problem =
        error.code === 'EADDRINUSE'
          ? `port ${port} is in use on ${host}: pick another (0 picks a free one)`
          : error.code === 'EADDRNOTAVAIL'
            ? `${host} is not an address of this machine`
            : error.message;
      reject(new ZenError({ kind: 'configuration', retryable: false, message: `dashboard: ${problem}`, cause: error }));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

interface Settings {
  port: number;
  host: string;
  refreshSeconds: number;
  title: string;
  timelinePoints: number;
  days: number;
}

function checkOptions(options: DashboardOptions): Settings {
  const problems: string[] = [];
  const store = options?.store as Partial<LedgerStore> | undefined;
  const tail = options?.tail as Partial<LedgerTail> | undefined;
  if (tail !== undefined) {
    if (typeof tail?.read !== 'function' || typeof tail.close !== 'function')
      problems.push('tail must be a LedgerTail (read() and close())');
  } else if (!store || typeof store.query !== 'function') {
    problems.push('give a store (a LedgerStore: an object with query()) or a tail');
  }
  const port = options?.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`port must be a whole number from 0 to 65535, got ${String(port)}`);
  const host = options?.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') problems.push('host must be an address such as 127.0.0.1');
  const refreshSeconds = options?.refreshSeconds ?? 2;
  if (typeof refreshSeconds !== 'number' || !(refreshSeconds >= 0.2 && refreshSeconds <= 3600))
    problems.push(`refreshSeconds must be from 0.2 to 3600, got ${String(refreshSeconds)}`);
  const title = options?.title ?? 'zenrouter dashboard';
  if (typeof title !== 'string') problems.push('title must be a string');
  const timelinePoints = options?.timelinePoints ?? 2000;
  if (!Number.isInteger(timelinePoints) || timelinePoints < 1)
    problems.push(`timelinePoints must be a whole number >= 1, got ${String(timelinePoints)}`);
  const days = options?.days ?? 30;
  if (!Number.isInteger(days) || days < 1) problems.push(`days must be a whole number >= 1, got ${String(days)}`);
  if (problems.length > 0)
    throw new ZenError({ kind: 'configuration', retryable: false, message: `startDashboard: ${problems.join('; ')}` });
  return { port, host, refreshSeconds, title, timelinePoints, days };
}
