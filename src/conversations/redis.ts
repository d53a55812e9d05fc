import { configurationError } from '../core/errors.js';
import type { RedisClientLike } from '../policy/state-stores/redis.js';
import type { ConversationStore } from './conversation-store.js';

export interface RedisConversationStoreOptions {
  /** A connected node-redis or ioredis client (the app owns it: connects and quits it). */
  client: RedisClientLike;
  /** Prefix of every key this store writes (default `zenrouter:response:`). */
  prefix?: string;
  /** How long a conversation lives after it was stored, in ms (default 30 days, as OpenAI keeps responses). */
  ttlMs?: number;
}

const THIRTY_DAYS_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Conversations in Redis: one string key per response with a TTL (`SET ... PX`), so that every
 * process of an app continues every conversation. Like the memory store it holds content: give it
 * a Redis whose data may hold prompts and answers.
 */
export class RedisConversationStore implements ConversationStore {
  private readonly send: (args: string[]) => Promise<unknown>;
  private readonly prefix: string;
  private readonly ttlMs: number;

  constructor(options: RedisConversationStoreOptions) {
    const client = options?.client as
      | Partial<{ sendCommand: (args: string[]) => Promise<unknown>; call: (command: string, ...args: string[]) => Promise<unknown> }>
      | undefined;
    // ioredis first: it also has a `sendCommand`, which takes its own Command objects.
    if (typeof client?.call === 'function') this.send = (args) => client.call!(args[0]!, ...args.slice(1));
    else if (typeof client?.sendCommand === 'function') this.send = (args) => client.sendCommand!(args);
    else
      throw configurationError(
        'RedisConversationStore needs `client`: a connected node-redis client (sendCommand) or ioredis client (call).',
      );
    const { prefix = 'zenrouter:response:', ttlMs = THIRTY_DAYS_MS } = options;
    if (typeof prefix !== 'string') throw configurationError(`RedisConversationStore prefix must be a string, got ${typeof prefix}.`);
    if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 1)
      throw configurationError(`RedisConversationStore ttlMs must be a finite number of milliseconds >= 1, got ${String(ttlMs)}.`);
    this.prefix = prefix;
    this.ttlMs = Math.round(ttlMs);
  }

  async get(id: string): Promise<string | undefined> {
    const reply = await this.send(['GET', this.prefix + id]);
    if (reply === null || reply === undefined) return undefined;
    return typeof reply === 'string' ? reply : String(reply);
  }

  async set(id: string, value: string): Promise<void> {
    await this.send(['SET', this.prefix + id, value, 'PX', String(this.ttlMs)]);
  }

  async delete(id: string): Promise<boolean> {
    return Number(await this.send(['DEL', this.prefix + id])) > 0;
  }
}
