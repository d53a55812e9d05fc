import { ZenError } from '../core/errors.js';
import type { Detector } from './detector.js';
import type { QualityEvent, QualityEventKind } from './types.js';

/** What the ledger keeps of prompts and answers. Cases behind claims are always kept redacted. */
export type CaptureContent = 'none' | 'redacted' | 'full';

export interface InsuranceLimits {
  /** An absolute limit on the time to the first token (streams). */
  maxFirstTokenMs?: number;
  /** An absolute limit on the whole call. */
  maxTotalMs?: number;
  /** Slow also means above the channel's rolling p95 × this factor (default 2; 0 turns it off). */
  p95Factor?: number;
  /**
   * Relative thresholds never go below this (default 1000 ms): on a channel that answers in 40 ms,
   * 90 ms is jitter, not a quality problem.
   */
  minRelativeMs?: number;
  /** A floor on output tokens per second after the first token. */
  minTokensPerSecond?: number;
  /** Throughput is judged only on answers of at least this many output tokens (default 20). */
  minOutputTokens?: number;
}

/** The model that checks groundedness, called through the same router. */
export interface JudgeOptions {
  /** A model id, a fallback list or `auto`, as in any call: `openai/gpt-5-mini`. */
  model: string | string[];
  /** Longest document text sent to the judge, in characters (default 60 000; the rest is cut). */
  maxDocumentChars?: number;
}

export interface ConsistencyOptions {
  /** Extra samples per call (default 0: off). A request's `consistencySamples` overrides it. */
  samples?: number;
  /** Disagreement (0..1) above which the answers are inconsistent (default 0.5). */
  threshold?: number;
  /** The model of the samples (default: what the call asked for). */
  model?: string | string[];
}

/** What one covered event is worth: a share of the call's cost, or a fixed credit. */
export type Compensation = { percent: number; dailyCapUsd?: number } | { fixedUsd: number; dailyCapUsd?: number };

/** Facts about the call an exclusion rule may look at. */
export interface ClaimContext {
  requestId: string;
  outcome: 'success' | 'error' | 'aborted';
  errorKind?: string;
  /** The caller stopped reading the stream (rather than aborting through its signal). */
  cancelled: boolean;
}

export interface ExclusionOptions {
  /** Events on calls the caller aborted or cancelled are not compensated (default true). */
  callerAborts?: boolean;
  /** Events on calls that failed as invalid requests are not compensated (default true). */
  invalidRequests?: boolean;
  /** A host rule: return a reason to exclude the event. */
  custom?: (event: QualityEvent, call: ClaimContext) => string | undefined;
}

export interface InsurancePolicyOptions {
  /**
   * Covered event kinds and what each is worth, merged over DEFAULT_COVERAGE; `false` removes a
   * kind from cover. An event of a kind not covered files no claim.
   */
  cover?: Partial<Record<QualityEventKind, Compensation | false>>;
  /** Most credit per UTC day, all kinds together; a claim beyond it is `capped` and grants nothing. */
  dailyCapUsd?: number;
  /**
   * Percentage credits of one call never exceed what it cost, together (default true); beyond it,
   * claims are `capped`. Fixed credits are amounts the host promised and are not held to it.
   */
  capAtCallCost?: boolean;
  exclude?: ExclusionOptions;
}

/** The client's `insurance` option. */
export interface InsuranceOptions {
  /** Off: no detectors, no claims; calls are still recorded in the ledger. Default true. */
  enabled?: boolean;
  /**
   * Detectors to run: built-in names (`latency`, `throughput`, `empty`, `truncated`, `refusal`,
   * `structured-output`, `tool-calls`, `groundedness`, `consistency`, `failover`) and host
   * Detectors. Default: every built-in.
   */
  detectors?: Array<string | Detector>;
  limits?: InsuranceLimits;
  judge?: JudgeOptions;
  consistency?: ConsistencyOptions;
  policy?: InsurancePolicyOptions;
  /** Re-run a non-streamed call on the next candidate when a covered answer event is found (default false). */
  repair?: boolean;
  /** Default `none`: the ledger keeps hashes and counts of prompts and answers, no text. */
  captureContent?: CaptureContent;
  /**
   * How many recent calls keep their prompt and answer in memory (never in the ledger unless
   * captured) so that bad feedback can file a redacted case (default 256; 0 keeps none).
   */
  feedbackWindow?: number;
  /** Patterns that mark an answer as a refusal (default: common English refusals at the start of a short answer). */
  refusalPatterns?: RegExp[];
}

/** The per-request switches (`zen: { insurance: {...} }`); the client's insurance options hold the defaults. */
export interface RequestInsurance {
  /** Detector names to run on this call (default: the client's). */
  detectors?: string[];
  /** Re-run on the next candidate when a covered event is found in a non-streamed answer. */
  repair?: boolean;
  /** Documents the answer must be grounded in (for the groundedness detector). */
  groundingDocuments?: string[];
  /** Absolute limits for the latency detectors. */
  maxFirstTokenMs?: number;
  maxTotalMs?: number;
  minTokensPerSecond?: number;
  /** Extra samples for the self-consistency detector (opt-in). */
  consistencySamples?: number;
  /** The model of those samples on this call (default: the client's `consistency.model`). */
  consistencyModel?: string | string[];
}

/** Settings for one call: the client's options with the request's over them. */
export interface ResolvedInsurance {
  limits: Required<Pick<InsuranceLimits, 'p95Factor' | 'minRelativeMs' | 'minOutputTokens'>> &
    Pick<InsuranceLimits, 'maxFirstTokenMs' | 'maxTotalMs' | 'minTokensPerSecond'>;
  groundingDocuments: string[] | undefined;
  judge: Required<JudgeOptions> | undefined;
  consistency: { samples: number; threshold: number; model: string | string[] };
  repair: boolean;
  refusalPatterns: RegExp[];
}

function fail(option: string, problem: string, kind: 'configuration' | 'invalid_request'): never {
  throw new ZenError({ kind, message: `${option} ${problem}`, retryable: false, code: option });
}

function checkNumber(
  value: unknown,
  option: string,
  kind: 'configuration' | 'invalid_request',
  { min = 0, integer = false, max }: { min?: number; integer?: boolean; max?: number } = {},
): void {
  if (value === undefined) return;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    (max === undefined || value <= max) &&
    (!integer || Number.isInteger(value));
  if (!ok)
    fail(
      option,
      `must be ${integer ? 'a whole number' : 'a number'} >= ${min}${max !== undefined ? ` and <= ${max}` : ''}, got ${String(value)}`,
      kind,
    );
}

function checkModel(value: unknown, option: string): void {
  const ok =
    (typeof value === 'string' && value.trim() !== '') ||
    (Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string' && entry.trim() !== ''));
  if (!ok) fail(option, 'must be a model id (e.g. "openai/gpt-5-mini"), a non-empty list of ids, or "auto"', 'configuration');
}

export function checkLimits(
  limits: InsuranceLimits | RequestInsurance | undefined,
  prefix: string,
  kind: 'configuration' | 'invalid_request',
): void {
  if (!limits) return;
  const fields = limits as Record<string, unknown>;
  for (const key of ['maxFirstTokenMs', 'maxTotalMs', 'minRelativeMs', 'minTokensPerSecond', 'p95Factor', 'minOutputTokens']) {
    checkNumber(fields[key], `${prefix}.${key}`, kind);
  }
}

/** Throws a `configuration` ZenError naming the first bad option. */
export function validateInsuranceOptions(options: InsuranceOptions): void {
  if (typeof options !== 'object' || options === null) fail('insurance', 'must be an object', 'configuration');
  if (options.captureContent !== undefined && !['none', 'redacted', 'full'].includes(options.captureContent)) {
    fail(
      'insurance.captureContent',
      `must be 'none', 'redacted' or 'full', got ${JSON.stringify(options.captureContent)}`,
      'configuration',
    );
  }
  checkLimits(options.limits, 'insurance.limits', 'configuration');
  if (options.judge !== undefined) {
    checkModel(options.judge?.model, 'insurance.judge.model');
    checkNumber(options.judge.maxDocumentChars, 'insurance.judge.maxDocumentChars', 'configuration', { min: 1, integer: true });
  }
  if (options.consistency !== undefined) {
    checkNumber(options.consistency.samples, 'insurance.consistency.samples', 'configuration', { integer: true, max: 10 });
    checkNumber(options.consistency.threshold, 'insurance.consistency.threshold', 'configuration', { max: 1 });
    if (options.consistency.model !== undefined) checkModel(options.consistency.model, 'insurance.consistency.model');
  }
  checkNumber(options.feedbackWindow, 'insurance.feedbackWindow', 'configuration', { integer: true });
  if (
    options.refusalPatterns !== undefined &&
    (!Array.isArray(options.refusalPatterns) || !options.refusalPatterns.every((pattern) => pattern instanceof RegExp))
  ) {
    fail('insurance.refusalPatterns', 'must be a list of RegExp', 'configuration');
  }
}

/** Throws an `invalid_request` ZenError naming the first bad per-request option. */
export function validateRequestInsurance(options: RequestInsurance | undefined): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) fail('zen.insurance', 'must be an object', 'invalid_request');
  checkLimits(options, 'zen.insurance', 'invalid_request');
  checkNumber(options.consistencySamples, 'zen.insurance.consistencySamples', 'invalid_request', { integer: true, max: 10 });
  const model = options.consistencyModel;
  if (
    model !== undefined &&
    !(
      (typeof model === 'string' && model.trim() !== '') ||
      (Array.isArray(model) && model.length > 0 && model.every((id) => typeof id === 'string' && id.trim() !== ''))
    )
  ) {
    fail('zen.insurance.consistencyModel', 'must be a model id (e.g. "openai/gpt-5-mini") or a non-empty list of ids', 'invalid_request');
  }
  if (
    options.detectors !== undefined &&
    (!Array.isArray(options.detectors) || !options.detectors.every((name) => typeof name === 'string'))
  ) {
    fail('zen.insurance.detectors', 'must be a list of detector names', 'invalid_request');
  }
  if (
    options.groundingDocuments !== undefined &&
    (!Array.isArray(options.groundingDocuments) || !options.groundingDocuments.every((doc) => typeof doc === 'string'))
  ) {
    fail('zen.insurance.groundingDocuments', 'must be a list of strings', 'invalid_request');
  }
}

/**
 * English refusals, at the start of an answer. The typographic apostrophe is written `\u2019`: one
 * character beyond Latin-1 in the bundle makes V8 keep its whole source at two bytes a character.
 */
export const DEFAULT_REFUSAL_PATTERNS: RegExp[] = [
  /^\s*(?:i['\u2019]m sorry,? (?:but )?)?i (?:can(?:['\u2019]|no)t|cannot|am unable to|won['\u2019]t|am not able to) (?:help|assist|comply|provide|do that|fulfil|support|answer)/i,
  /^\s*(?:sorry|i apologi[sz]e),? (?:but )?i (?:can(?:['\u2019]|no)t|cannot|am unable to|won['\u2019]t)/i,
  /^\s*i['\u2019]m (?:unable|not able) to (?:help|assist|comply|provide)/i,
  /^\s*as an ai(?: language model)?,? i (?:can(?:['\u2019]|no)t|cannot|am unable|don['\u2019]t)/i,
];

export function resolveInsurance(
  options: InsuranceOptions,
  request: RequestInsurance | undefined,
  requestedModel: string | string[],
): ResolvedInsurance {
  const limits = options.limits ?? {};
  const samples = request?.consistencySamples ?? options.consistency?.samples ?? 0;
  return {
    limits: {
      p95Factor: limits.p95Factor ?? 2,
      minRelativeMs: limits.minRelativeMs ?? 1000,
      minOutputTokens: limits.minOutputTokens ?? 20,
      maxFirstTokenMs: request?.maxFirstTokenMs ?? limits.maxFirstTokenMs,
      maxTotalMs: request?.maxTotalMs ?? limits.maxTotalMs,
      minTokensPerSecond: request?.minTokensPerSecond ?? limits.minTokensPerSecond,
    },
    groundingDocuments: request?.groundingDocuments,
    judge: options.judge ? { model: options.judge.model, maxDocumentChars: options.judge.maxDocumentChars ?? 60_000 } : undefined,
    consistency: {
      samples,
      threshold: options.consistency?.threshold ?? 0.5,
      model: request?.consistencyModel ?? options.consistency?.model ?? requestedModel,
    },
    repair: request?.repair ?? options.repair ?? false,
    refusalPatterns: options.refusalPatterns ?? DEFAULT_REFUSAL_PATTERNS,
  };
}
