/**
 * Where the Responses face (`zen.responses`) keeps the responses it made, so that a later call can
 * continue one with `previous_response_id`, and `zen.responses.retrieve()` / `delete()` find it.
 *
 * Privacy: a stored conversation holds content (every input item and the answer, as given and as
 * returned), unlike the ledger, which by default keeps no prompt or answer text. Keep it where
 * such content may live, give it a lifetime (`ttlMs`), and turn it off (`conversations: false` on
 * the client, or `store: false` per call) where continuing on the server side is not wanted.
 *
 * A store keeps opaque JSON text by response id; zenrouter writes and reads the text. Built-ins:
 * `MemoryConversationStore` (the default, bounded by bytes) and `RedisConversationStore` (shared by
 * every process of an app). Any key-value store with these three methods can hold them (the app's
 * database, the table its ledger lives in).
 */
export interface ConversationStore {
  /** The text stored for `id`, or undefined when it was never stored, has expired, or was evicted or deleted. */
  get(id: string): Promise<string | undefined>;
  /** Stores (or replaces) the text for `id`. */
  set(id: string, value: string): Promise<void>;
  /** Removes `id`; resolves true when it was there. */
  delete(id: string): Promise<boolean>;
}

/** A store's methods are all there: an object passed as `conversations` is checked with this. */
export function isConversationStore(value: unknown): value is ConversationStore {
  if (typeof value !== 'object' || value === null) return false;
  const store = value as Partial<Record<keyof ConversationStore, unknown>>;
  return typeof store.get === 'function' && typeof store.set === 'function' && typeof store.delete === 'function';
}
