/**
 * What the simulator's wire protocols share with its engine: the route and context types, the
 * renderer interface and the JSON reply. Kept apart from server.ts so that the protocol files and
 * the server do not import each other.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlannedReply } from './script.js';
import type { Simulator } from './server.js';
import type { SimFault, SimProtocol, SimRequestSummary } from './types.js';

/** One SSE frame of a rendered stream; `content` frames are paced by time to first token and tokens per second. */
export interface SimFrame {
  data: string;
  content: boolean;
}

export interface RenderedStream {
  frames: SimFrame[];
  /** Frames that end the stream properly (`data: [DONE]`, `message_stop`); never sent on a cut. */
  terminal: string[];
}

/** What a wire protocol supplies so that the shared engine can answer, pace and fail like the vendor. */
export interface ProtocolRenderer {
  protocol: SimProtocol;
  /** Non-streamed body. */
  renderJson(plan: PlannedReply, request: SimRequestSummary): unknown;
  renderStream(plan: PlannedReply, request: SimRequestSummary): RenderedStream;
  /** The vendor's HTTP error body for a status. */
  errorBody(status: number, message: string, code: string | undefined, fault: Extract<SimFault, { type: 'http' }>): unknown;
  /** An error event inside a 200 stream, as a complete SSE frame. */
  errorFrame(message: string, code: string | undefined): string;
  /** Wraps one recorded event (a JSON text) in this protocol's SSE envelope. */
  envelope(eventJson: string): string;
  /** Frames that close a replayed stream (`data: [DONE]` for OpenAI), if any. */
  replayTerminal: string[];
  /** Extra response headers (request ids). */
  headers?(): Record<string, string>;
}

export interface SimRoute {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  handle(context: SimContext, match: RegExpMatchArray): Promise<void>;
}

export interface SimContext {
  simulator: Simulator;
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  /** The parsed JSON body (undefined when the body is empty or not JSON). */
  body: unknown;
  rawBody: string;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
