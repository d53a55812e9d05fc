import type { PromptAnalysis, TaskCategory } from './analyze-prompt.js';
import type { Channel } from './catalog.js';
import { sigmoid } from './quality-models/sigmoid.js';
import type { Candidate, Rejection } from './types.js';

/** Capability bits, so that a candidate's fit is one integer test. */
export const CAP = { tools: 1, vision: 2, structuredOutput: 4, reasoning: 8, imageOutput: 16, imageOnly: 32, embedding: 64 } as const;

/** Why a channel was left out; messages are built only when someone reads them. */
export enum Reason {
  None = 0,
  Disabled,
  ProviderNotAllowed,
  Excluded,
  NotInAllowList,
  CannotMakeImages,
  CannotEditImages,
  NeedsVertex,
  ImageModel,
  NoVision,
  NoTools,
  NoStructuredOutput,
  ContextWindow,
  MaxCost,
  MinQuality,
  MaxLatency,
  EmbeddingModel,
  NotEmbeddingModel,
  CannotEmbed,
  EmbeddingNeedsVertex,
}

/**
 * The channels a model spec resolves to, compiled into parallel arrays once and reused by every
 * request with the same spec: routing then is a few tight loops over numbers.
 */
export interface CandidateUniverse {
  readonly size: number;
  readonly channels: Channel[];
  readonly caps: Uint8Array;
  /**
   * Four numbers per channel side by side, so that filtering reads one array: at 4i the context
   * window and at 4i+1 the output limit, in tokens (Infinity when unknown); at 4i+2 and 4i+3 the
   * input and output price in USD per token at the base tier. A channel with tiered prices has
   * NaN for its input price: the fast estimate comes out NaN and a slow path prices the call.
   */
  readonly limitsAndPrices: Float64Array;
  /** The lowest output limit (NaN left out): an output guess at or below it needs no clamping. */
  readonly smallestOutputLimit: number;
  /** Place of the channel's model in the caller's list. */
  readonly rank: Int32Array;
  /** Each channel's catalog index (`channel.index`), for per-channel state arrays. */
  readonly channelIndex: Int32Array;
  /** A number per distinct model, equal for channels of the same model. */
  readonly modelSlot: Int32Array;
  /** Universe indices of each model's channels, by model slot. */
  readonly modelMembers: ReadonlyArray<readonly number[]>;
  /** Rejections that do not depend on the request (no provider for a model, disabled channel). */
  readonly staticRejections: Rejection[];
  readonly disabled: Uint8Array;
  /**
   * Per output kind, required capabilities and allow/deny lists: the reasons that do not depend on
   * the prompt's size (disabled, not allowed, cannot make this output, lacks a capability), so
   * that filtering a request is a few tests per channel.
   */
  readonly staticReasons: Map<number | string, Uint8Array>;
  /**
   * Working arrays reused by every routing call on this universe (allocating them per call costs
   * more than the routing itself). Routing is synchronous, so one call never sees another's data;
   * a table read after a later call on the same universe is refused (see `assertFresh`).
   */
  readonly scratch: RoutingScratch;
}

export interface RoutingScratch {
  generation: number;
  readonly survivors: Int32Array;
  readonly reasons: Uint8Array;
  /** By universe index. */
  readonly cost: Float64Array;
  readonly qualityMean: Float64Array;
  readonly qualityUncertainty: Float64Array;
  /** By survivor position. */
  readonly logCost: Float64Array;
  /** For policies, by survivor position: optimistic quality. */
  readonly quality: Float64Array;
}

export function newScratch(size: number): RoutingScratch {
  const numbers = new Float64Array(size * 5);
  return {
    generation: 0,
    survivors: new Int32Array(size),
    reasons: new Uint8Array(size),
    cost: numbers.subarray(0, size),
    qualityMean: numbers.subarray(size, 2 * size),
    qualityUncertainty: numbers.subarray(2 * size, 3 * size),
    logCost: numbers.subarray(3 * size, 4 * size),
    quality: numbers.subarray(4 * size),
  };
}

/** Throws when a table's working arrays were reused by a later routing call. */
export function assertFresh(table: CandidateTable): void {
  if (table.generation !== table.universe.scratch.generation) {
    throw new Error(
      'zenrouter: a routing table was read after a later routing call reused it; read `rejected`, `frontier` and `explanation` right after routing.',
    );
  }
}

/**
 * A per-prompt quality of the logistic form, from a quality model's `logisticArrays`: for channel
 * index c, at 4c..4c+3 of `packed`: bias, slope, ceiling and spread, and
 *   mean = σ(a · (bias − slope · difficulty)) · ceiling,  uncertainty = mean · (1 − mean) · a · spread.
 */
export interface LogisticQuality {
  readonly packed: Float64Array;
  readonly difficulty: number;
  readonly discrimination: number;
}

/** One request's view of a universe: the survivors, their estimates, and why the others fell. */
export interface CandidateTable {
  readonly universe: CandidateUniverse;
  readonly analysis: PromptAnalysis;
  readonly category: TaskCategory;
  /** Universe indices of the channels that passed every filter, in universe order. */
  readonly survivors: Int32Array;
  readonly count: number;
  /**
   * log2 of each survivor's estimated cost, by survivor position (parallel to `survivors`), for
   * policies that weigh costs on a log scale (prices span orders of magnitude). Taken while
   * filtering, where each cost was just computed; costs below 2^-40 USD count as 1e-12.
   */
  readonly logCost: Float64Array;
  /** Per universe index: estimated cost (USD), expected quality and its uncertainty. */
  readonly cost: Float64Array;
  readonly qualityMean: Float64Array;
  readonly qualityUncertainty: Float64Array;
  /**
   * When set, a candidate's quality sits at `qualityMean[qualityIndex[i]]` (the quality model's own
   * arrays, by channel index) instead of `qualityMean[i]`: no copy per call. Use `qualityAt`.
   */
  readonly qualityIndex: Int32Array | undefined;
  /**
   * When set, quality is worked out from it for this prompt (by `qualityAt`, or inline by the
   * built-in policies) and `qualityMean`/`qualityUncertainty` hold nothing: see LogisticQuality.
   */
  readonly logistic: LogisticQuality | undefined;
  readonly reasons: Uint8Array;
  /** The scratch generation this table was written in. */
  readonly generation: number;
  /** Tokens the request needs from a context window (input plus requested output). */
  readonly neededTokens: number;
  readonly limits: { maxCost?: number; minQuality?: number; maxLatencyMs?: number };
}

export function candidateAt(table: CandidateTable, index: number): Candidate {
  assertFresh(table);
  return {
    channel: table.universe.channels[index]!,
    cost: table.cost[index]!,
    quality: qualityAt(table, index),
    rank: table.universe.rank[index]!,
  };
}

export function qualityAt(
  table: Pick<CandidateTable, 'qualityMean' | 'qualityUncertainty' | 'qualityIndex' | 'logistic'>,
  index: number,
): { mean: number; uncertainty: number } {
  const slot = table.qualityIndex ? table.qualityIndex[index]! : index;
  const logistic = table.logistic;
  if (logistic) {
    const { packed, difficulty, discrimination: a } = logistic;
    const mean = sigmoid(a * (packed[4 * slot]! - packed[4 * slot + 1]! * difficulty)) * packed[4 * slot + 2]!;
    return { mean, uncertainty: mean * (1 - mean) * a * packed[4 * slot + 3]! };
  }
  return { mean: table.qualityMean[slot]!, uncertainty: table.qualityUncertainty[slot]! };
}

/** The survivors as Candidate objects (for policies that prefer objects to arrays). */
export function candidatesOf(table: CandidateTable): Candidate[] {
  const out: Candidate[] = new Array(table.count);
  for (let k = 0; k < table.count; k += 1) out[k] = candidateAt(table, table.survivors[k]!);
  return out;
}

/** The rejections of a table, in words. */
export function rejectionsOf(table: CandidateTable): Rejection[] {
  assertFresh(table);
  const out = [...table.universe.staticRejections];
  const { universe, reasons } = table;
  for (let i = 0; i < universe.size; i += 1) {
    const reason = reasons[i]!;
    if (reason === Reason.None) continue;
    out.push({ channel: universe.channels[i]!.id, reason: describe(reason, table, i) });
  }
  return out;
}

function describe(reason: Reason, table: CandidateTable, index: number): string {
  const { analysis, limits } = table;
  switch (reason) {
    case Reason.Disabled:
      return 'disabled in the catalog';
    case Reason.ProviderNotAllowed:
      return 'provider not in the `providers` allow list';
    case Reason.Excluded:
      return 'excluded by `exclude`';
    case Reason.NotInAllowList:
      return 'not in the `models` allow list';
    case Reason.CannotMakeImages:
      return 'cannot generate images';
    case Reason.CannotEditImages:
      return 'cannot edit images';
    case Reason.NeedsVertex:
      return 'Imagen is served through Vertex AI only (a GoogleGenAI client with vertexai: true)';
    case Reason.ImageModel:
      return 'is an image model';
    case Reason.NoVision:
      return 'cannot read images';
    case Reason.NoTools:
      return 'cannot call tools';
    case Reason.NoStructuredOutput:
      return 'has no structured output';
    case Reason.ContextWindow:
      return `needs ${table.neededTokens} tokens (${analysis.inputTokens} in${analysis.maxOutputTokens ? ` + ${analysis.maxOutputTokens} out` : ''}), context window is ${table.universe.limitsAndPrices[4 * index]}`;
    case Reason.MaxCost:
      return `estimated cost $${table.cost[index]!.toPrecision(3)} is above maxCost $${limits.maxCost}`;
    case Reason.MinQuality:
      return `expected ${table.category} quality ${qualityAt(table, index).mean.toFixed(2)} is below minQuality ${limits.minQuality}`;
    case Reason.MaxLatency:
      return `observed p95 latency is above maxLatencyMs ${limits.maxLatencyMs}`;
    case Reason.EmbeddingModel:
      return 'is an embedding model';
    case Reason.NotEmbeddingModel:
      return 'is not an embedding model';
    case Reason.EmbeddingNeedsVertex:
      return 'is served through Vertex AI only (a GoogleGenAI client with vertexai: true)';
    case Reason.CannotEmbed:
      return `${table.universe.channels[index]!.provider.family === 'vertexai' ? '@google-cloud/vertexai has no embeddings API (use @google/genai with vertexai: true)' : 'the provider has no embeddings API'}`;
    default:
      return 'rejected';
  }
}
