import type { CallWarning, FinishReason } from './result.js';
import type { Usage } from './usage.js';

/**
 * One event of a canonical stream. Providers yield these; faces turn them into their vendor's chunks.
 * A provider stream throws a ZenError instead of yielding an error, and must end with exactly one
 * `finish` part: a stream that ends without it was interrupted.
 */
export type StreamPart =
  | { type: 'stream-start'; id?: string; modelId?: string; created?: number; warnings: CallWarning[] }
  | { type: 'text-delta'; delta: string }
  | { type: 'reasoning-delta'; delta: string; signature?: string }
  /** A tool call begins; `index` counts tool calls within this response from 0. */
  | { type: 'tool-call-start'; index: number; id: string; name: string; providerData?: Record<string, unknown> }
  | { type: 'tool-call-delta'; index: number; argumentsDelta: string }
  | { type: 'finish'; finishReason: FinishReason; usage: Usage; providerMetadata?: Record<string, unknown> };

/** True for parts that carry content the caller sees (what "first token" means). */
export function isContentPart(part: StreamPart): boolean {
  return (
    part.type === 'text-delta' || part.type === 'reasoning-delta' || part.type === 'tool-call-start' || part.type === 'tool-call-delta'
  );
}
