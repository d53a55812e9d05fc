/**
 * What a face needs from the client: one `run` for every kind of call, the canonical call it
 * takes, and the metadata it gets back. Defined by the pipeline; named here for the faces.
 */
export type {
  CallRunner as Engine,
  RequestInsuranceOptions,
  StreamRun as EngineStream,
  TextCallInput,
  ZenMetadata,
  ZenRequestOptions,
} from '../pipeline/types.js';
