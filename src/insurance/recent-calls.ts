/**
 * The recent calls kept in memory for feedback (their prompt and answer make the case when bad
 * feedback is claimed), bounded in count (the insurance's `feedbackWindow`) and in bytes: a
 * window of 256 calls of 2 MB prompts would otherwise hold half a gigabyte.
 */
import type { GenerationRequest, Message } from '../core/request.js';
import type { GenerationResult } from '../core/result.js';

interface Call {
  requestId: string;
  request: GenerationRequest;
  answer: GenerationResult;
}

/** The bytes of prompt and answer text the recent calls may hold in all. */
export const RECENT_CALLS_MAX_BYTES = 8 * 1024 * 1024;
/** What a call costs beside its text (the request and result objects). */
const CALL_OVERHEAD_BYTES = 1_024;

function messageChars(message: Message): number {
  if (message.role === 'system' || message.role === 'tool') return message.content.length;
  let chars = 0;
  for (const part of message.content)
    chars += part.type === 'text' || part.type === 'reasoning' ? part.text.length : part.type === 'tool-call' ? part.arguments.length : 0;
  return chars;
}

/** Text at two bytes a character (the worst case), plus the objects around it. */
function bytesOf(call: Call): number {
  let chars = 0;
  for (const message of call.request.messages) chars += messageChars(message);
  for (const part of call.answer.content) chars += part.type === 'tool-call' ? part.arguments.length : part.text.length;
  return 2 * chars + CALL_OVERHEAD_BYTES;
}

export class RecentCalls<T extends Call> {
  private readonly calls = new Map<string, { call: T; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly maxCalls: number,
    private readonly maxBytes = RECENT_CALLS_MAX_BYTES,
  ) {}

  get(requestId: string): T | undefined {
    return this.calls.get(requestId)?.call;
  }

  /** Remembers a call, forgetting the oldest beyond either bound (a call alone over the byte bound is not kept). */
  add(call: T): void {
    if (this.maxCalls <= 0) return;
    const bytes = bytesOf(call);
    if (bytes > this.maxBytes) return;
    const previous = this.calls.get(call.requestId);
    if (previous) {
      this.bytes -= previous.bytes;
      this.calls.delete(call.requestId);
    }
    this.calls.set(call.requestId, { call, bytes });
    this.bytes += bytes;
    while (this.calls.size > this.maxCalls || this.bytes > this.maxBytes) {
      // The first key is the oldest (a Map keeps insertion order); no entry pair, no destructuring.
      const oldest = this.calls.keys().next().value!;
      const entry = this.calls.get(oldest)!;
      this.calls.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  get size(): { calls: number; bytes: number } {
    return { calls: this.calls.size, bytes: this.bytes };
  }
}
