/** zenrouter/testing: the protocol simulator. Node only. */
export { Simulator, startSimulator, type SimulatorOptions, type SimContext, type SimRoute } from './server.js';
export type { SimBehavior } from './script.js';
export { sampleFromSchema } from './script.js';
export type * from './types.js';
