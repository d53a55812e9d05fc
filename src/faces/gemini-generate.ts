import type { Engine } from './engine.js';

/** `zen.models`: the @google/genai `ai.models` generateContent surface, served by any routed model. */
export class Models {
  constructor(protected readonly engine: Engine) {}
}
