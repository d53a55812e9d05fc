/** The evaluation harness's data: dataset items, one graded answer, and a channel's summary. */

/** How an item's answer is checked: a free-form exact answer, or a choice letter. */
export type AnswerType = 'exactMatch' | 'multipleChoice';

/** One question of an evaluation set, in the shape of Humanity's Last Exam (HLE). */
export interface EvalItem {
  id: string;
  question: string;
  /** An image the question refers to: a data URL or an https URL. */
  image?: string;
  /** The reference answer; a letter (`B`) for multiple choice. */
  answer: string;
  answerType: AnswerType;
  /** HLE's subject category (`Math`, `Physics`, ...); `all` when absent. */
  category?: string;
}

/** What became of one answer. Refusals count as wrong in accuracy; errors (no answer) are left out of it. */
export type ItemOutcome = 'correct' | 'incorrect' | 'refused' | 'error';

/** One graded answer of one channel to one item (one sample of it). */
export interface ItemResult {
  /** The evaluation run it belongs to. */
  run: string;
  item: string;
  channel: string;
  /** 0-based sample number, when each item is asked more than once. */
  sample: number;
  category: string;
  outcome: ItemOutcome;
  expected: string;
  /** The final answer taken from the response (by the judge when one graded it). */
  extracted?: string;
  /** Stated confidence, 0..1, from the response's `Confidence:` line (or the judge's reading of it). */
  confidence?: number;
  grader: 'exact' | 'judge';
  /** The evaluated call's cost in USD, and the judge's. */
  costUsd: number;
  judgeCostUsd: number;
  durationMs: number;
  ttftMs?: number;
  tokensPerSecond?: number;
  outputTokens?: number;
  errorKind?: string;
  /** The evaluated call's request id in the ledger. */
  requestId?: string;
  /** ISO time the answer was graded. */
  at: string;
}

export interface Accuracy {
  /** Answers graded (right, wrong or refused); errors are not counted. */
  graded: number;
  correct: number;
  /** correct / graded (0 when nothing was graded). */
  accuracy: number;
  /** Wilson 95 % interval. */
  ci95: [number, number];
}

export interface CategorySummary extends Accuracy {
  category: string;
  refusals: number;
  errors: number;
}

/** One channel's result over an evaluation set. */
export interface ChannelSummary extends Accuracy {
  channel: string;
  /** Item × sample pairs tried, errors included. */
  attempted: number;
  refusals: number;
  errors: number;
  /** RMS calibration error (HLE's), over the graded answers that stated a confidence. */
  calibrationErrorRms: number | undefined;
  /** Graded answers that stated a confidence. */
  withConfidence: number;
  costUsd: number;
  judgeCostUsd: number;
  latency: {
    p50Ms: number | undefined;
    p95Ms: number | undefined;
    ttftP50Ms: number | undefined;
    ttftP95Ms: number | undefined;
    tokensPerSecondP50: number | undefined;
  };
  byCategory: CategorySummary[];
  /** Equal-width confidence bins, for a reliability diagram. */
  reliability: Array<{ confidence: number; accuracy: number; count: number }>;
}

/** Why a run ended before every item was asked. */
export type StopReason = 'budget' | 'aborted';

export interface EvaluationReport {
  run: string;
  startedAt: string;
  finishedAt: string;
  channels: ChannelSummary[];
  /** Everything spent, judge included, in USD. */
  spentUsd: number;
  /** Set when the run stopped early; what was graded is kept. */
  stopped?: StopReason;
  /** Results carried over from an earlier run (`resume`). */
  resumed: number;
}
