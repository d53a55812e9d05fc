import type { Engine } from './engine.js';

/** `zen.images`: the openai SDK's Images surface, served by any routed image model. */
export class Images {
  constructor(protected readonly engine: Engine) {}
}
