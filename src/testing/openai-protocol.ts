import type { SimRoute } from './server.js';

// To be written: the openai wire protocol.
export const openaiRoutes: SimRoute[] = [];
