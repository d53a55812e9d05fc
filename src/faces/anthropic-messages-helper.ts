import type Anthropic from '@anthropic-ai/sdk';
import { EventEmitter } from 'eventemitter3';
import { ZenError } from '../core/errors.js';
import type { ZenMetadata } from './engine.js';
import type { ZenMessage, ZenMessageStream } from './anthropic-messages.js';
import { attachMetadata } from './face-shared.js';

type Event = Anthropic.RawMessageStreamEvent;

/** The events of the SDK's `MessageStream` that scripts listen to, with the same arguments. */
export interface MessageStreamEvents {
  connect: () => void;
  streamEvent: (event: Event, snapshot: Anthropic.Message) => void;
  text: (textDelta: string, textSnapshot: string) => void;
  inputJson: (partialJson: string, jsonSnapshot: unknown) => void;
  thinking: (thinkingDelta: string, thinkingSnapshot: string) => void;
  signature: (signature: string) => void;
  contentBlock: (content: Anthropic.ContentBlock) => void;
  message: (message: ZenMessage) => void;
  finalMessage: (message: ZenMessage) => void;
  error: (error: unknown) => void;
  abort: (error: unknown) => void;
  end: () => void;
}

/**
 * What `zen.messages.stream()` returns: the parts of @anthropic-ai/sdk's `MessageStream` helper
 * that scripts use (`on('text')`, `finalMessage()`, `finalText()`, `done()`, `abort()`, async
 * iteration over the raw events), rebuilt on the face's event stream because the SDK is never
 * loaded at runtime. Differences: `inputJson`'s snapshot is the last complete parse of the
 * arguments (the SDK parses partial JSON), and errors are ZenErrors.
 */
export class ZenMessageStreamHelper extends EventEmitter<MessageStreamEvents> implements AsyncIterable<Event> {
  readonly controller = new AbortController();
  readonly receivedMessages: ZenMessage[] = [];
  private snapshot: Anthropic.Message | undefined;
  private readonly jsonBuffers = new Map<number, string>();
  private stream: ZenMessageStream | undefined;
  private readonly ended: Promise<void>;
  private readonly pending: Array<IteratorResult<Event>> = [];
  private readonly waiting: Array<{ resolve: (result: IteratorResult<Event>) => void; reject: (error: unknown) => void }> = [];
  private failure: unknown;
  private finished = false;

  constructor(start: (signal: AbortSignal) => Promise<ZenMessageStream>) {
    super();
    this.ended = this.run(start);
    // Failures reach `error` listeners and every awaited method; an unobserved one is not an unhandled rejection.
    this.ended.catch(() => {});
  }

  /** Metadata so far (undefined until the call is routed). */
  get zen(): ZenMetadata | undefined {
    return this.stream?.zen;
  }

  /** Final metadata once the stream has ended. */
  async metadata(): Promise<ZenMetadata> {
    await this.ended.catch(() => {});
    if (!this.stream) throw this.failure;
    return this.stream.metadata();
  }

  get currentMessage(): Anthropic.Message | undefined {
    return this.snapshot;
  }

  abort(): void {
    this.controller.abort();
  }

  /** Resolves when the stream has ended; rejects with its error. */
  done(): Promise<void> {
    return this.ended;
  }

  async finalMessage(): Promise<ZenMessage> {
    await this.ended;
    const message = this.receivedMessages.at(-1);
    if (!message) throw new ZenError({ kind: 'stream_interrupted', message: 'The stream ended without a message.' });
    return message;
  }

  async finalText(): Promise<string> {
    const message = await this.finalMessage();
    const texts = message.content.filter((block): block is Anthropic.TextBlock => block.type === 'text').map((block) => block.text);
    if (texts.length === 0)
      throw new ZenError({ kind: 'invalid_request', retryable: false, message: 'The final message has no text block.' });
    return texts.join(' ');
  }

  [Symbol.asyncIterator](): AsyncIterator<Event> {
    return {
      next: () => {
        const queued = this.pending.shift();
        if (queued) return Promise.resolve(queued);
        if (this.finished)
          return this.failure !== undefined && !this.controller.signal.aborted
            ? Promise.reject(this.failure)
            : Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
      },
      return: async () => {
        this.abort();
        return { done: true, value: undefined };
      },
    };
  }

  private async run(start: (signal: AbortSignal) => Promise<ZenMessageStream>): Promise<void> {
    try {
      this.stream = await start(this.controller.signal);
      this.emit('connect');
      for await (const event of this.stream) this.accept(event);
      if (this.controller.signal.aborted) this.emit('abort', new ZenError({ kind: 'aborted', message: 'The stream was aborted.' }));
      const final = this.receivedMessages.at(-1);
      if (final) this.emit('finalMessage', final);
    } catch (error) {
      this.failure = error;
      if (this.controller.signal.aborted) this.emit('abort', error);
      else if (this.listenerCount('error') > 0) this.emit('error', error);
      throw error;
    } finally {
      this.finished = true;
      for (const waiter of this.waiting.splice(0)) {
        if (this.failure !== undefined && !this.controller.signal.aborted) waiter.reject(this.failure);
        else waiter.resolve({ done: true, value: undefined });
      }
      this.emit('end');
    }
  }

  private accept(event: Event): void {
    const snapshot = this.accumulate(event);
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve({ done: false, value: event });
    else this.pending.push({ done: false, value: event });
    if (!snapshot) return;
    this.emit('streamEvent', event, snapshot);
    if (event.type === 'content_block_delta') {
      const block = snapshot.content[event.index];
      const delta = event.delta;
      if (delta.type === 'text_delta' && block?.type === 'text') this.emit('text', delta.text, block.text);
      else if (delta.type === 'input_json_delta' && block?.type === 'tool_use') this.emit('inputJson', delta.partial_json, block.input);
      else if (delta.type === 'thinking_delta' && block?.type === 'thinking') this.emit('thinking', delta.thinking, block.thinking);
      else if (delta.type === 'signature_delta' && block?.type === 'thinking') this.emit('signature', block.signature);
    } else if (event.type === 'content_block_stop') {
      const block = snapshot.content[event.index];
      if (block) this.emit('contentBlock', block);
    } else if (event.type === 'message_stop') {
      const message = attachMetadata(structuredClone(snapshot), () => this.stream!.zen);
      this.receivedMessages.push(message);
      this.emit('message', message);
    }
  }

  /** The SDK's accumulation: one message snapshot built from the events. */
  private accumulate(event: Event): Anthropic.Message | undefined {
    if (event.type === 'message_start') {
      this.snapshot = structuredClone(event.message);
      this.jsonBuffers.clear();
      return this.snapshot;
    }
    const snapshot = this.snapshot;
    if (!snapshot) return undefined;
    switch (event.type) {
      case 'content_block_start':
        snapshot.content.push({ ...event.content_block });
        break;
      case 'content_block_delta': {
        const block = snapshot.content[event.index];
        const delta = event.delta;
        if (delta.type === 'text_delta' && block?.type === 'text') block.text += delta.text;
        else if (delta.type === 'thinking_delta' && block?.type === 'thinking') block.thinking += delta.thinking;
        else if (delta.type === 'signature_delta' && block?.type === 'thinking') block.signature = delta.signature;
        else if (delta.type === 'input_json_delta' && block?.type === 'tool_use') {
          const buffer = (this.jsonBuffers.get(event.index) ?? '') + delta.partial_json;
          this.jsonBuffers.set(event.index, buffer);
          try {
            block.input = JSON.parse(buffer);
          } catch {
            // incomplete JSON: keep the last complete parse
          }
        }
        break;
      }
      case 'message_delta':
        snapshot.stop_reason = event.delta.stop_reason;
        snapshot.stop_sequence = event.delta.stop_sequence;
        snapshot.stop_details = event.delta.stop_details;
        snapshot.usage.output_tokens = event.usage.output_tokens;
        if (event.usage.input_tokens !== null) snapshot.usage.input_tokens = event.usage.input_tokens;
        if (event.usage.cache_read_input_tokens !== null) snapshot.usage.cache_read_input_tokens = event.usage.cache_read_input_tokens;
        if (event.usage.cache_creation_input_tokens !== null)
          snapshot.usage.cache_creation_input_tokens = event.usage.cache_creation_input_tokens;
        if (event.usage.output_tokens_details !== null) snapshot.usage.output_tokens_details = event.usage.output_tokens_details;
        break;
    }
    return snapshot;
  }
}
