import type { Detector } from '../detector.js';
import { emptyDetector, refusalDetector, truncatedDetector } from './answer-shape.js';
import { consistencyDetector } from './consistency.js';
import { failoverDetector } from './failover.js';
import { groundednessDetector } from './groundedness.js';
import { latencyDetector } from './latency.js';
import { structuredOutputDetector } from './structured-output.js';
import { throughputDetector } from './throughput.js';
import { toolCallsDetector } from './tool-calls.js';

export { emptyDetector, refusalDetector, truncatedDetector } from './answer-shape.js';
export { consistencyDetector, similarity } from './consistency.js';
export { failoverDetector } from './failover.js';
export { groundednessDetector, JUDGE_SCHEMA, type JudgeVerdict } from './groundedness.js';
export { latencyDetector } from './latency.js';
export { structuredOutputDetector } from './structured-output.js';
export { throughputDetector } from './throughput.js';
export { toolCallsDetector } from './tool-calls.js';

/** Every built-in detector, by name, in the order they run. */
export const BUILT_IN_DETECTORS: readonly Detector[] = [
  latencyDetector,
  throughputDetector,
  emptyDetector,
  truncatedDetector,
  refusalDetector,
  structuredOutputDetector,
  toolCallsDetector,
  groundednessDetector,
  consistencyDetector,
  failoverDetector,
];
