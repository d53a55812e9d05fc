import type { SimRoute } from './server.js';

// To be written: the gemini wire protocol.
export const geminiRoutes: SimRoute[] = [];
