import type { Response, ResponseCreateParams } from 'openai/resources/responses/responses';
import type { ConversationStore } from '../conversations/conversation-store.js';
import { ZenError } from '../core/errors.js';
import type { CallWarning } from '../core/result.js';
import { ignoredSetting, invalidRequest, isRecord } from './invalid-request.js';

/** A conversation store operation that failed beside a call (the call itself went on). */
export interface StoreFailure {
  operation: 'get' | 'set' | 'delete';
  error: ZenError;
}

/** What is kept per response: every item before its output (earlier turns included), and the response. */
interface StoredConversation {
  v: 1;
  items: unknown[];
  response: Response;
}

const NO_STORE =
  'this client keeps no conversations (it was built with `conversations: false`); pass a ConversationStore as `conversations`';

function storeError(action: string, error: unknown): ZenError {
  if (ZenError.isInstance(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ZenError({ kind: 'server', retryable: true, cause: error, message: `The conversation store failed to ${action}: ${detail}` });
}

function parse(text: string, id: string): StoredConversation {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (
    !isRecord(value) ||
    value.v !== 1 ||
    !Array.isArray(value.items) ||
    !isRecord(value.response) ||
    !Array.isArray(value.response.output)
  ) {
    throw new ZenError({
      kind: 'server',
      retryable: false,
      message: `The conversation store holds something unreadable for "${id}" (not a conversation zenrouter stored).`,
    });
  }
  return value as unknown as StoredConversation;
}

/**
 * The face's side of the conversation store: loads what `previous_response_id` continues, keeps
 * each response (unless `store: false`), and serves `retrieve` and `delete`.
 */
export class ConversationHistory {
  constructor(
    private readonly store: ConversationStore | undefined,
    private readonly onError: ((failure: StoreFailure) => void) | undefined,
  ) {}

  /** The items a continuation starts from: the stored response's earlier items and its output. */
  async load(id: string): Promise<unknown[]> {
    const stored = await this.read(id, 'previous_response_id');
    return [...stored.items, ...stored.response.output];
  }

  /** Whether this call's response is kept: `store` defaults to true, as at OpenAI, when the client has a store. */
  shouldStore(params: ResponseCreateParams, warnings: CallWarning[]): boolean {
    if (params.store === false) return false;
    if (!this.store) {
      if (params.store === true) warnings.push(ignoredSetting('store', `is not honoured: ${NO_STORE}.`));
      return false;
    }
    return true;
  }

  /** Keeps a response with the items before it; a failure is reported, not thrown: the answer stands. */
  async save(previous: readonly unknown[], params: ResponseCreateParams, response: Response): Promise<void> {
    if (!this.store) return;
    const input = params.input;
    const given = input === undefined || input === null ? [] : typeof input === 'string' ? [{ role: 'user', content: input }] : input;
    try {
      const stored: StoredConversation = { v: 1, items: [...previous, ...given], response };
      await this.store.set(response.id, JSON.stringify(stored));
    } catch (error) {
      this.onError?.({ operation: 'set', error: storeError(`keep response ${response.id}`, error) });
    }
  }

  async retrieve(id: string): Promise<Response> {
    return (await this.read(id, 'response_id')).response;
  }

  async delete(id: string): Promise<void> {
    const store = this.required(id, 'response_id');
    let deleted: boolean;
    try {
      deleted = await store.delete(id);
    } catch (error) {
      throw storeError(`delete response ${id}`, error);
    }
    if (!deleted) throw invalidRequest(`No stored response has id "${id}".`, 'response_id');
  }

  private required(id: string, param: string): ConversationStore {
    if (typeof id !== 'string' || id === '') throw invalidRequest(`${param} must be a non-empty string.`, param);
    if (!this.store) throw invalidRequest(`${param} needs a stored response, but ${NO_STORE}.`, param);
    return this.store;
  }

  private async read(id: string, param: string): Promise<StoredConversation> {
    const store = this.required(id, param);
    let text: string | undefined;
    try {
      text = await store.get(id);
    } catch (error) {
      throw storeError(`read response ${id}`, error);
    }
    if (text === undefined) {
      throw invalidRequest(
        `${param} "${id}" is not in the conversation store: it was made with store: false, has expired or been evicted or deleted, or was kept by another store.`,
        param,
      );
    }
    return parse(text, id);
  }
}
