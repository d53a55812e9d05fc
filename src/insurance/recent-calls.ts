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
  private readonly calls = new Map<string, { call: T; bytes: number; added: number }>();
  private bytes = 0;
  // Insertion order as a queue of (request, added) pairs in two arrays; a request added again gets
  // a newer `added` and its older queue entry is skipped. Reading the head of a Map whose first
  // keys were deleted costs time proportional to the deletions, which a full window makes on every
  // call (see MemoryLedgerStore).
  private queueIds: string[] = [];
  private queueAdded: number[] = [];
  private queueHead = 0;
  private added = 0;

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
    const added = ++this.added;
    this.calls.set(call.requestId, { call, bytes, added });
    this.queueIds.push(call.requestId);
    this.queueAdded.push(added);
    this.bytes += bytes;
    while (this.calls.size > this.maxCalls || this.bytes > this.maxBytes) this.forgetOldest();
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queueIds.length) {
      this.queueIds = this.queueIds.slice(this.queueHead);
      this.queueAdded = this.queueAdded.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  get size(): { calls: number; bytes: number } {
    return { calls: this.calls.size, bytes: this.bytes };
  }

  /** Forgets the call added least recently, skipping queue entries made stale by a newer add. */
  private forgetOldest(): void {
    for (;;) {
      const requestId = this.queueIds[this.queueHead]!;
      const added = this.queueAdded[this.queueHead]!;
      this.queueHead += 1;
      const entry = this.calls.get(requestId);
      if (entry?.added === added) {
        this.calls.delete(requestId);
        this.bytes -= entry.bytes;
        return;
      }
    }
  }
}
