export {
  ZenClient,
  type ZenEvents,
  type ZenErrorEvent,
  type StateStoreErrorEvent,
  type ConversationStoreErrorEvent,
  type BudgetStoreErrorEvent,
  type TelemetryErrorEvent,
} from './client/zen-client.js';
export type { SdkVersionWarning } from './client/sdk-version.js';
export type { ZenClientOptions } from './client/options.js';
export type { ProviderConfig } from './client/providers.js';
export { ZenError, type ZenErrorKind, type ZenErrorOptions, type AbortedBy, type BudgetRefusal } from './core/errors.js';
export type * from './core/request.js';
export type * from './core/result.js';
export type * from './core/stream-part.js';
export type { Usage } from './core/usage.js';
export type { CostBreakdown } from './core/money.js';
export type { ZenMetadata, ZenRequestOptions, RequestInsuranceOptions } from './pipeline/types.js';
// The call pipeline: what a host step (`zen.use`) sees and returns.
export type {
  Step,
  Next,
  ZenCall,
  TextCall,
  ImageCall,
  EmbeddingCall,
  CallInput,
  TextCallInput,
  ImageCallInput,
  EmbeddingCallInput,
} from './pipeline/types.js';
export type { CallRecord } from './core/call-record.js';
export type {
  CallOutcome,
  TextOutcome,
  StreamOutcome,
  ImageOutcome,
  EmbeddingOutcome,
  CallObserver,
  AttemptStart,
} from './core/call-outcome.js';
export type { ZenCallOptions } from './faces/call-options.js';
export { ZenChatCompletionStream } from './faces/openai-chat-stream.js';
export { ZenStream } from './faces/zen-stream.js';
export { ZenMessageStreamHelper, type MessageStreamEvents } from './faces/anthropic-messages-helper.js';
export type {
  ZenMessage,
  ZenMessageStream,
  ZenMessageCreateParams,
  ZenMessageCreateParamsStreaming,
  ZenMessageCreateParamsNonStreaming,
} from './faces/anthropic-messages.js';
export { ZenGenerateContentResponse } from './faces/gemini-generate-response.js';
export type { ZenGenerateContentParameters, ZenGenerateContentResult, ZenGenerateContentStream } from './faces/gemini-generate.js';
export type { ZenImagesResponse, ZenImageGenerateParams, ZenImageEditParams } from './faces/openai-images.js';
export type { ImageInput } from './faces/image-input.js';
export type { ZenEmbeddingCreateParams, ZenCreateEmbeddingResponse } from './faces/openai-embeddings.js';
export type { EmbeddingInput, EmbeddingRequest, EmbeddingResult } from './core/embedding.js';
export {
  NearestNeighbourQualityModel,
  type GradedPrompt,
  type NearestNeighbourOptions,
  type NearestNeighbourFit,
  type GroupTuning,
  type Shrinkage,
  type NeighbourSelection,
} from './policy/quality-models/nearest-neighbours.js';
export type { ZenChatCompletion, ZenChatCompletionCreateParams } from './faces/openai-chat.js';
// The Responses face and where it keeps conversations for previous_response_id.
export type {
  ZenResponse,
  ZenResponseCreateParams,
  ZenResponseCreateParamsStreaming,
  ZenResponseCreateParamsNonStreaming,
} from './faces/openai-responses.js';
export { ZenResponseStream } from './faces/openai-responses-stream.js';
export type { ConversationStore } from './conversations/conversation-store.js';
export { MemoryConversationStore, type MemoryConversationStoreOptions } from './conversations/memory.js';
export { RedisConversationStore, type RedisConversationStoreOptions } from './conversations/redis.js';
export { SqliteConversationStore, type SqliteConversationStoreOptions, type SqliteDatabaseLike } from './conversations/sqlite.js';
export { PostgresConversationStore, type PostgresConversationStoreOptions, type PostgresQueryableLike } from './conversations/postgres.js';
export { ZenAPIPromise } from './faces/api-promise.js';
export type {
  ZenChatCompletionParseParams,
  ZenChatCompletionStreamParams,
  ZenChatCompletionToolRunnerParams,
  ZenChatCompletionStreamingToolRunnerParams,
  ZenParsedChatCompletion,
  ZenRunnerOptions,
} from './faces/openai-chat-helpers.js';
export type { ZenModelsPage, ZenModelsPagePromise } from './faces/openai-models.js';
export type { ZenModel, ZenModelFacts } from './policy/model-list.js';
export type { ZenClientCallDefaults } from './client/with-options.js';
export { Catalog, type ModelDefinition, type ChannelDefinition, type ModelInfo, type Channel } from './policy/catalog.js';
export type { PriceTable, ModelCapabilities, EmbeddingFacts } from './policy/model-data.js';
export type {
  Policy,
  PolicyContext,
  PolicyDecision,
  Candidate,
  RoutingOptions,
  Preference,
  TimeoutOptions,
  RetryOptions,
  HedgeOptions,
  ExplorationOptions,
  CascadeCheckRates,
  CascadeOptions,
} from './policy/types.js';
export {
  BetaQualityModel,
  type QualityModel,
  type QualityEstimate,
  type QualityOutcome,
  type EvidenceSource,
} from './policy/quality-model.js';
export { ItemResponseQualityModel, type ItemResponseOptions } from './policy/quality-models/item-response.js';
export { abilityPrior, type AbilityPrior } from './policy/quality-models/priors.js';
export { promptFeatures, type PromptFeatures } from './policy/prompt-features.js';
export {
  cheapestPolicy,
  fastestPolicy,
  loadBalancePolicy,
  orderedPolicy,
  paretoPolicy,
  type ParetoPolicyOptions,
} from './policy/policies/index.js';
export { analyzePrompt, type PromptAnalysis, type TaskCategory } from './policy/analyze-prompt.js';
export type * from './policy/events.js';
export {
  MemoryStateStore,
  type StateStore,
  type SharedStateOptions,
  type BudgetCounterChange,
  type BudgetCounterState,
  type BudgetReservation,
  type BudgetReserveInput,
  type BudgetSettleInput,
  type BudgetSettlement,
} from './policy/state-store.js';
// OpenTelemetry (ZenClientOptions.telemetry).
export type { OpenTelemetryApi, TelemetryOptions } from './pipeline/telemetry/options.js';
// Budgets and rate limits per key (ZenClientOptions.budgets).
export type {
  BudgetEvent,
  BudgetKeys,
  BudgetLimit,
  BudgetOptions,
  BudgetState,
  BudgetUnit,
  BudgetWindow,
} from './pipeline/budget/options.js';
export { RedisStateStore, type RedisStateStoreOptions, type RedisClientLike } from './policy/state-stores/redis.js';
// Quality insurance: detectors, the policy, the ledger and case export.
export type {
  Detector,
  DetectorContext,
  DetectorStart,
  DetectorScope,
  DetectorTiming,
  EventDraft,
  StreamObserver,
  ChannelBaseline,
  Subcall,
} from './insurance/detector.js';
export {
  BUILT_IN_DETECTORS,
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
  JUDGE_SCHEMA,
  type JudgeVerdict,
} from './insurance/detectors/index.js';
export { DEFAULT_COVERAGE, InsurancePolicy } from './insurance/claims.js';
export { DEFAULT_REFUSAL_PATTERNS } from './insurance/options.js';
export type {
  InsuranceOptions,
  InsuranceLimits,
  InsurancePolicyOptions,
  Compensation,
  ExclusionOptions,
  ClaimContext,
  JudgeOptions,
  ConsistencyOptions,
  CaptureContent,
} from './insurance/options.js';
export { Insurance, type InsuranceEvents, type InsuranceErrorEvent, type Feedback, type FeedbackResult } from './insurance/insurance.js';
export { exportCases, type ExportCasesOptions, type FineTuneLine, type EvalsLine } from './insurance/export-cases.js';
export type { ChatMessage, ChatTool, ChatToolCall } from './insurance/chat-format.js';
export {
  Ledger,
  compileQuery,
  matchesQuery,
  InvalidLedgerRecordError,
  type LedgerRange,
  type LedgerTotals,
  type ClaimsSummary,
  type ChannelLatency,
  type CostByModelByDayRow,
} from './insurance/ledger.js';
export { MemoryLedgerStore, type MemoryLedgerStoreOptions } from './insurance/stores/memory.js';
export type * from './insurance/types.js';
export {
  redact,
  redactValue,
  PII_TYPES,
  type PiiFinding,
  type PiiType,
  type RedactOptions,
  type RedactResult,
} from './insurance/redact.js';
// Evaluation: benchmarks of channels (HLE format), channel comparison, identity probe, degradation watch.
export { evaluate, evaluationRecord, type EvaluateOptions, type EvaluationResult, type EvaluationProgress } from './eval/evaluate.js';
export { compareResults, PairTally, type ChannelComparison, type CompareOptions, type Disagreement } from './eval/compare.js';
export {
  probeIdentity,
  FINGERPRINT_PROMPTS,
  IDENTITY_QUESTION,
  type IdentityProbeOptions,
  type IdentityProbeResult,
} from './eval/identity.js';
export { Watch, watch, parseEvery, type WatchOptions, type WatchScheduler } from './eval/watch.js';
export type { DegradationEvent, WatchEvents, WatchMetric, WatchRun, WatchRunChannel } from './eval/watch-types.js';
export { toEvalItem, checkEvalItem, type DatasetMapping } from './eval/dataset.js';
export { exactMatch, normalizeAnswer, parseResponse, choiceLetter, type ParsedResponse } from './eval/grade.js';
export { HLE_SYSTEM_PROMPT, EVAL_JUDGE_SCHEMA, judgePrompt, type JudgeVerdict as EvalJudgeVerdict } from './eval/prompts.js';
export { wilsonInterval, fisherExact, binomialTestHalf, rmsCalibrationError } from './eval/stats.js';
export type {
  EvalItem,
  AnswerType,
  ItemResult,
  ItemOutcome,
  ChannelSummary,
  CategorySummary,
  EvaluationReport,
  Accuracy,
} from './eval/types.js';
export type { EvalClient, EvalDataset } from './eval/client.js';
