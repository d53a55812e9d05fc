/** Scripting types of the protocol simulator: what a simulated model answers and how it fails. */

export type SimFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface SimToolCall {
  name: string;
  /** An object is serialised with JSON.stringify; a string is sent as is (even if it is not JSON). */
  arguments: Record<string, unknown> | string;
  id?: string;
}

export interface SimUsage {
  input?: number;
  output?: number;
  cachedInput?: number;
  cacheWrite?: number;
  reasoning?: number;
}

export type SimFault =
  /** An HTTP error with the vendor's error body. `retryAfter` is seconds (sets `retry-after`, and Gemini's RetryInfo). */
  | { type: 'http'; status: number; message?: string; retryAfter?: number; retryAfterMs?: number; code?: string }
  /** The connection is destroyed before any response. */
  | { type: 'reset' }
  /** Headers (and `afterChunks` chunks when streaming) are sent, then nothing more, until the client gives up. */
  | { type: 'stall'; afterChunks?: number }
  /** The stream ends after `afterChunks` chunks without its terminal event. */
  | { type: 'cut'; afterChunks?: number }
  /** An error event inside a 200 stream (Anthropic `overloaded_error`, an OpenAI error frame). */
  | { type: 'error-frame'; afterChunks?: number; message?: string; code?: string }
  /** A 200 response whose body is not valid JSON (or a stream with a broken data line). */
  | { type: 'malformed' };

export interface SimReply {
  text?: string;
  /** Visible reasoning / thinking text, where the protocol carries it. */
  reasoning?: string;
  toolCalls?: SimToolCall[];
  /** Shorthand for `text: JSON.stringify(json)`. */
  json?: unknown;
  usage?: SimUsage;
  finishReason?: SimFinishReason;
  /** Delay before the first byte of content (headers are sent at once when streaming). */
  ttftMs?: number;
  /** Output pace after the first token; undefined means as fast as possible. */
  tokensPerSecond?: number;
  /**
   * Holds the first byte of content (a stream's headers still go at once, as with `ttftMs`) until
   * this promise settles, then applies `ttftMs` and the rest: a test releases a reply at a moment
   * it chooses (after a hedge started, after it moved a fake clock), so that "late" means an
   * order, not an amount of real time.
   */
  hold?: PromiseLike<unknown>;
  fault?: SimFault;
  /** Replays exact bytes: a JSON body, or SSE data lines (protocol envelope added by the simulator). */
  raw?: SimRaw;
}

export interface SimRaw {
  status?: number;
  headers?: Record<string, string>;
  /** Non-streamed body, sent byte for byte. */
  body?: string;
  /** Streamed events, one JSON text each, without the SSE envelope (the recorded fixtures' format). */
  chunks?: string[];
}

export type SimProtocol = 'openai' | 'anthropic' | 'gemini' | 'vertex';

/** A request as the simulator saw it, kept for assertions. */
export interface SimRecordedCall {
  protocol: SimProtocol;
  model: string;
  path: string;
  stream: boolean;
  headers: Record<string, string>;
  body: unknown;
  /** What the simulator did: the reply it used (after defaults) or the fault. */
  outcome: 'ok' | SimFault['type'] | 'raw';
  at: number;
}

/** A protocol-neutral summary of the incoming request, used to pick a default reply. */
export interface SimRequestSummary {
  model: string;
  stream: boolean;
  /** Text of the last user message. */
  lastUserText: string;
  /** True when the last message carries tool results. */
  lastIsToolResult: boolean;
  toolResultText: string;
  tools: Array<{ name: string; parameters: Record<string, unknown> | undefined }>;
  /** `auto`, `none`, `required`, or a tool name that must be called. */
  toolChoice: string;
  /** A JSON schema the answer must follow, or `{}` for free JSON. */
  jsonSchema: Record<string, unknown> | undefined;
  /** Rough input size in tokens (characters / 4). */
  inputTokens: number;
  maxOutputTokens: number | undefined;
  wantsImage?: boolean;
}
