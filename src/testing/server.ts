import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { planReply, SimScript, type PlannedReply, type SimBehavior } from './script.js';
import type { SimRecordedCall, SimRequestSummary } from './types.js';
import { openaiRoutes } from './openai-protocol.js';
import { openaiResponsesRoutes } from './openai-responses-protocol.js';
import { anthropicRoutes } from './anthropic-protocol.js';
import { geminiRoutes } from './gemini-protocol.js';
import { embeddingRoutes } from './embedding-protocol.js';
import { clearTimeout as realClearTimeout, setTimeout as realSetTimeout } from 'node:timers';
import { sendJson, type ProtocolRenderer, type SimContext, type SimRoute } from './protocol.js';

export { sendJson, type ProtocolRenderer, type RenderedStream, type SimContext, type SimFrame, type SimRoute } from './protocol.js';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
}

/**
 * A local HTTP server that speaks the OpenAI (Chat Completions, Responses, Images), Anthropic, Gemini API and Vertex AI wire protocols,
 * scriptable per model and per call. Point the official SDK clients at it to test routing,
 * failover and detectors without network or keys.
 */
export class Simulator {
  readonly script = new SimScript();
  readonly calls: SimRecordedCall[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly routes: SimRoute[] = [
    ...embeddingRoutes,
    ...openaiRoutes,
    ...openaiResponsesRoutes,
    ...anthropicRoutes,
    ...geminiRoutes,
  ];
  private baseUrl = '';

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    if (!this.baseUrl) throw new Error('The simulator is not started; call start() first.');
    return this.baseUrl;
  }

  /** baseURL for `new OpenAI({ baseURL })`. */
  get openaiBaseURL(): string {
    return `${this.url}/v1`;
  }

  /** baseURL for `new Anthropic({ baseURL })`. */
  get anthropicBaseURL(): string {
    return this.url;
  }

  /** `httpOptions.baseUrl` for `new GoogleGenAI(...)` (Gemini API and Vertex AI modes). */
  get googleBaseURL(): string {
    return this.url;
  }

  async start(options: SimulatorOptions = {}): Promise<this> {
    const server = createServer((request, response) => void this.dispatch(request, response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.baseUrl = `http://${options.host ?? '127.0.0.1'}:${address.port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Queues one-shot replies for the next calls of `model` (`*` for any model). */
  enqueue(model: string, ...replies: SimBehavior[]): this {
    this.script.enqueue(model, ...replies);
    return this;
  }

  /** Sets what `model` answers when nothing is queued. */
  setDefault(model: string, behavior: SimBehavior): this {
    this.script.setDefault(model, behavior);
    return this;
  }

  /** Forgets scripts and recorded calls. */
  reset(): this {
    this.script.reset();
    this.calls.length = 0;
    return this;
  }

  callsFor(model: string): SimRecordedCall[] {
    return this.calls.filter((call) => call.model === model);
  }

  private async dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', 'http://simulator');
      const rawBody = await readBody(request);
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      for (const route of this.routes) {
        if (route.method !== request.method) continue;
        const match = url.pathname.match(route.pattern);
        if (match) {
          await route.handle({ simulator: this, request, response, url, body, rawBody }, match);
          return;
        }
      }
      sendJson(response, 404, { error: { message: `The simulator has no route for ${request.method} ${url.pathname}` } });
    } catch (error) {
      if (!response.headersSent) sendJson(response, 500, { error: { message: `simulator failure: ${String(error)}` } });
      else response.destroy();
    }
  }

  /**
   * The shared engine behind every protocol: picks the reply for this call, records it, applies
   * timing and faults, and writes JSON or SSE through the protocol's renderer.
   */
  async respond(context: SimContext, renderer: ProtocolRenderer, summary: SimRequestSummary, path = context.url.pathname): Promise<void> {
    const reply = this.script.next(summary);
    const plan = planReply(reply, summary);
    const fault = plan.fault;
    this.calls.push({
      protocol: renderer.protocol,
      model: summary.model,
      path,
      stream: summary.stream,
      headers: lowerCaseHeaders(context.request),
      body: context.body,
      outcome: plan.raw ? 'raw' : fault ? fault.type : 'ok',
      at: Date.now(),
    });
    const { response } = context;
    const baseHeaders = renderer.headers?.() ?? {};

    if (fault?.type === 'reset') {
      context.request.socket.destroy();
      return;
    }
    if (fault?.type === 'http' || (fault?.type === 'error-frame' && !summary.stream)) {
      const status = fault.type === 'http' ? fault.status : 500;
      const httpFault = fault.type === 'http' ? fault : { type: 'http' as const, status };
      const headers: Record<string, string> = { ...baseHeaders };
      if (fault.type === 'http' && fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      if (fault.type === 'http' && fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
      await firstByte(reply.hold, plan.ttftMs, response);
      sendJson(response, status, renderer.errorBody(status, fault.message ?? defaultErrorMessage(status), fault.code, httpFault), headers);
      return;
    }

    if (plan.raw) {
      await this.replayRaw(context, renderer, plan, baseHeaders);
      return;
    }

    if (!summary.stream) {
      await firstByte(reply.hold, plan.ttftMs + paceMs(plan.usage.output, plan.tokensPerSecond), response);
      if (fault?.type === 'stall') return holdOpen(response, baseHeaders);
      if (fault?.type === 'malformed' || fault?.type === 'cut') {
        response.writeHead(200, { 'content-type': 'application/json', ...baseHeaders });
        response.end('{"id": "broken", "choices": [');
        return;
      }
      sendJson(response, 200, renderer.renderJson(plan, summary), baseHeaders);
      return;
    }

    const rendered = renderer.renderStream(plan, summary);
    startSse(response, baseHeaders);
    const stopAt = fault && 'afterChunks' in fault ? (fault.afterChunks ?? 1) : fault ? 1 : Number.POSITIVE_INFINITY;
    let sentContent = false;
    const gapMs = plan.tokensPerSecond ? 1000 / plan.tokensPerSecond : 0;
    for (let index = 0; index < rendered.frames.length; index += 1) {
      if (index >= stopAt) break;
      const frame = rendered.frames[index]!;
      if (frame.content) {
        await (sentContent ? sleep(gapMs, response) : firstByte(reply.hold, plan.ttftMs, response));
        sentContent = true;
      }
      if (response.destroyed) return;
      response.write(frame.data);
    }
    if (!fault) {
      if (!sentContent) await firstByte(reply.hold, plan.ttftMs, response);
      for (const frame of rendered.terminal) response.write(frame);
      response.end();
      return;
    }
    switch (fault.type) {
      case 'stall':
        return; // headers and some frames are out; the connection stays open until the client gives up
      case 'cut':
        response.end();
        return;
      case 'error-frame':
        response.end(renderer.errorFrame(fault.message ?? 'Overloaded', fault.code));
        return;
      case 'malformed':
        response.end('data: {"broken": \n\n');
        return;
    }
  }

  private async replayRaw(
    context: SimContext,
    renderer: ProtocolRenderer,
    plan: PlannedReply,
    baseHeaders: Record<string, string>,
  ): Promise<void> {
    const raw = plan.raw!;
    const { response } = context;
    const headers = { ...baseHeaders, ...raw.headers };
    if (raw.chunks) {
      startSse(response, headers, raw.status ?? 200);
      let first = true;
      for (const chunk of raw.chunks) {
        await sleep(first ? plan.ttftMs : plan.tokensPerSecond ? 1000 / plan.tokensPerSecond : 0, response);
        first = false;
        if (response.destroyed) return;
        response.write(renderer.envelope(chunk));
      }
      for (const frame of renderer.replayTerminal) response.write(frame);
      response.end();
      return;
    }
    await sleep(plan.ttftMs, response);
    response.writeHead(raw.status ?? 200, { 'content-type': 'application/json', ...headers });
    response.end(raw.body ?? '');
  }
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return new Simulator().start(options);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function lowerCaseHeaders(request: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function startSse(response: ServerResponse, headers: Record<string, string>, status = 200): void {
  response.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
  response.flushHeaders();
}

function holdOpen(response: ServerResponse, headers: Record<string, string>): void {
  response.writeHead(200, { 'content-type': 'application/json', ...headers });
  response.flushHeaders();
}

function paceMs(tokens: number, tokensPerSecond: number | undefined): number {
  return tokensPerSecond ? (tokens / tokensPerSecond) * 1000 : 0;
}

/** The wait before the first byte of content: a test's `hold`, then `ttftMs`. */
async function firstByte(hold: PromiseLike<unknown> | undefined, ttftMs: number, response: ServerResponse): Promise<void> {
  if (hold) await holdUntil(hold, response);
  await sleep(ttftMs, response);
}

/** Waits for a test's release of a held reply, or until the client has gone away. */
function holdUntil(release: PromiseLike<unknown>, response: ServerResponse): Promise<void> {
  if (response.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('close', done);
      resolve();
    };
    response.on('close', done);
    Promise.resolve(release).then(done, done);
  });
}

/**
 * Waits, but returns early when the client has gone away. The timers come from node:timers, not the
 * globals, so that scripted latency stays real when a test fakes the global timers and clock to
 * drive the client's deadlines (vi.useFakeTimers replaces only the globals).
 */
function sleep(ms: number, response: ServerResponse): Promise<void> {
  if (ms <= 0 || response.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = realSetTimeout(done, ms);
    function done(): void {
      realClearTimeout(timer);
      response.off('close', done);
      resolve();
    }
    response.on('close', done);
  });
}

function defaultErrorMessage(status: number): string {
  switch (status) {
    case 400:
      return 'Invalid request.';
    case 401:
      return 'Invalid API key provided.';
    case 403:
      return 'Permission denied.';
    case 404:
      return 'The model does not exist.';
    case 408:
      return 'Request timed out.';
    case 413:
      return 'Request too large.';
    case 429:
      return 'Rate limit exceeded.';
    case 500:
      return 'Internal server error.';
    case 502:
      return 'Bad gateway.';
    case 503:
      return 'Service unavailable.';
    case 529:
      return 'Overloaded.';
    default:
      return `Simulated error ${status}.`;
  }
}
