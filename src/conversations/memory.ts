import { configurationError } from '../core/errors.js';
import type { ConversationStore } from './conversation-store.js';

export interface MemoryConversationStoreOptions {
  /**
   * Most memory the stored text may take, in bytes (default 32 MiB), counted as two bytes per
   * UTF-16 code unit, the most a JS string holds. The least recently used entries go first.
   */
  maxBytes?: number;
  /** How long an entry lives after it was stored, in ms (default: until it is evicted). */
  ttlMs?: number;
  /** The clock, for tests (default Date.now). */
  now?: () => number;
}

const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

interface Entry {
  value: string;
  bytes: number;
  expiresAt: number;
}

/**
 * Conversations in this process's memory: the default store of `zen.responses`. Bounded by
 * bytes, least recently used first out; lost when the process ends, and not shared with other
 * processes (use `RedisConversationStore` when several instances serve one app).
 */
export class MemoryConversationStore implements ConversationStore {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: MemoryConversationStoreOptions = {}) {
    const { maxBytes = DEFAULT_MAX_BYTES, ttlMs = Number.POSITIVE_INFINITY, now = Date.now } = options;
    if (typeof maxBytes !== 'number' || !Number.isFinite(maxBytes) || maxBytes <= 0)
      throw configurationError(`MemoryConversationStore maxBytes must be a positive, finite number of bytes, got ${String(maxBytes)}.`);
    if (typeof ttlMs !== 'number' || Number.isNaN(ttlMs) || ttlMs <= 0)
      throw configurationError(`MemoryConversationStore ttlMs must be a positive number of milliseconds, got ${String(ttlMs)}.`);
    this.maxBytes = maxBytes;
    this.ttlMs = ttlMs;
    this.now = now;
  }

  /** Bytes the stored text takes now. */
  get size(): number {
    return this.bytes;
  }

  async get(id: string): Promise<string | undefined> {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.remove(id, entry);
      return undefined;
    }
    // Most recently used last: a Map iterates in insertion order.
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry.value;
  }

  async set(id: string, value: string): Promise<void> {
    const bytes = 2 * (id.length + value.length);
    if (bytes > this.maxBytes) {
      throw configurationError(
        `A conversation of ${bytes} bytes does not fit in the MemoryConversationStore (maxBytes ${this.maxBytes}); raise maxBytes or use another store.`,
      );
    }
    const old = this.entries.get(id);
    if (old) this.remove(id, old);
    this.entries.set(id, { value, bytes, expiresAt: this.now() + this.ttlMs });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(oldest, entry);
    }
  }

  async delete(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.remove(id, entry);
    return entry.expiresAt > this.now();
  }

  private remove(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.bytes -= entry.bytes;
  }
}
