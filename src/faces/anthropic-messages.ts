import type { Engine } from './engine.js';

/** `zen.messages`: the @anthropic-ai/sdk Messages surface, served by any routed model. */
export class Messages {
  constructor(protected readonly engine: Engine) {}
}
