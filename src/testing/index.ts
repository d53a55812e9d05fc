/** zenrouter/testing: the protocol simulator. Node only. */
export { Simulator, startSimulator, type SimulatorOptions, type SimContext, type SimRoute } from './server.js';
export type { SimBehavior } from './script.js';
export { sampleFromSchema } from './script.js';
export type * from './types.js';
export { simulatorProviders, type SimulatorClientOptions } from './sdk-clients.js';
export { simulatorGoogleAuth, issuedGoogleAccessTokens, type SimulatorGoogleAuthOptions } from './google-auth.js';
export { bridgeVertexHttps, vertexApiEndpoint } from './vertex-https-bridge.js';
export { scriptHleAnswers, type HleAnswersOptions } from './hle-answers.js';
export { simulatedEmbedding, simulatedEmbeddingDimensions, SIMULATED_EMBEDDING_LIMITS } from './embedding-protocol.js';
