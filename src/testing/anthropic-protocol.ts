import type { SimRoute } from './server.js';

// To be written: the anthropic wire protocol.
export const anthropicRoutes: SimRoute[] = [];
