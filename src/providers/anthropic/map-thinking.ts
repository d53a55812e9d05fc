import type Anthropic from '@anthropic-ai/sdk';
import type { GenerationRequest, ReasoningEffort } from '../../core/request.js';
import type { CallWarning } from '../../core/result.js';

/**
 * Canonical reasoning settings → Anthropic `thinking` (+ `output_config.effort`) and `max_tokens`.
 *
 * Claude has two thinking styles. Models up to 4.5 take a fixed budget
 * (`{type:'enabled', budget_tokens}`, at least 1024 and below `max_tokens`). Opus/Sonnet 4.6 and
 * every later model think adaptively (`{type:'adaptive'}` with `output_config.effort`); 4.7+ reject
 * `budget_tokens` with a 400. The model id is the only hint an adapter has, so a pattern decides;
 * it matches the id inside Vertex (`claude-opus-4-7@…`) and Bedrock (`anthropic.claude-…-v1:0`) ids.
 */
const ADAPTIVE_MODEL = /claude-(?:opus|sonnet)-4-(?:[6-9]|1\d)(?:[-@.:]|$)|claude-[a-z]+-(?:[5-9]|[1-9]\d)(?:[-@.:]|$)|claude-mythos/;

export function usesAdaptiveThinking(modelId: string): boolean {
  return ADAPTIVE_MODEL.test(modelId);
}

/** Thinking budgets in tokens for budget-style models, per canonical effort. */
const BUDGET_BY_EFFORT: Record<Exclude<ReasoningEffort, 'none'>, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
};

/** Adaptive models take an effort word instead of a budget. */
const EFFORT_BY_EFFORT: Record<Exclude<ReasoningEffort, 'none'>, 'low' | 'medium' | 'high'> = {
  minimal: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
};

export const MIN_THINKING_BUDGET = 1024;

/**
 * `max_tokens` is required by Anthropic and the model's own limit is not known here, so without a
 * caller limit 4096 leaves room for a full answer. Thinking tokens count against `max_tokens`, so
 * with thinking the default adds the budget (adaptive thinking gets 16384). Both stay below the
 * 21,333 tokens past which the SDK refuses a non-streamed call.
 */
export const DEFAULT_MAX_TOKENS = 4096;
const DEFAULT_ADAPTIVE_MAX_TOKENS = 16384;

export interface ThinkingSettings {
  thinking?: Anthropic.ThinkingConfigParam;
  effort?: 'low' | 'medium' | 'high';
  maxTokens: number;
}

function effortForBudget(budget: number): 'low' | 'medium' | 'high' {
  if (budget <= BUDGET_BY_EFFORT.low) return 'low';
  return budget <= BUDGET_BY_EFFORT.medium ? 'medium' : 'high';
}

export function mapThinking(request: GenerationRequest, modelId: string, warnings: CallWarning[]): ThinkingSettings {
  const effort = request.reasoningEffort;
  const wantsThinking =
    request.reasoningBudgetTokens !== undefined ? request.reasoningBudgetTokens > 0 : effort !== undefined && effort !== 'none';
  const callerMax = request.maxOutputTokens;
  if (!wantsThinking) return { maxTokens: callerMax ?? DEFAULT_MAX_TOKENS };

  // `display: 'omitted'` keeps the signature (needed to continue a turn) but skips the text.
  const display = request.includeReasoning === false ? { display: 'omitted' as const } : {};

  if (usesAdaptiveThinking(modelId)) {
    let mapped: 'low' | 'medium' | 'high';
    if (effort !== undefined && effort !== 'none') {
      mapped = EFFORT_BY_EFFORT[effort];
    } else {
      mapped = effortForBudget(request.reasoningBudgetTokens!);
      warnings.push({
        type: 'unsupported-setting',
        setting: 'reasoningBudgetTokens',
        message: `${modelId} thinks adaptively and takes no token budget; the budget was mapped to effort "${mapped}".`,
      });
    }
    return { thinking: { type: 'adaptive', ...display }, effort: mapped, maxTokens: callerMax ?? DEFAULT_ADAPTIVE_MAX_TOKENS };
  }

  let budget = request.reasoningBudgetTokens ?? BUDGET_BY_EFFORT[effort as Exclude<ReasoningEffort, 'none'>];
  if (budget < MIN_THINKING_BUDGET) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'reasoningBudgetTokens',
      message: `Anthropic needs a thinking budget of at least ${MIN_THINKING_BUDGET} tokens; ${budget} was raised to ${MIN_THINKING_BUDGET}.`,
    });
    budget = MIN_THINKING_BUDGET;
  }
  let maxTokens = callerMax ?? budget + DEFAULT_MAX_TOKENS;
  if (maxTokens <= budget) {
    // The budget must stay below max_tokens; keep the caller's room for the visible answer on top of it.
    warnings.push({
      type: 'other',
      setting: 'maxOutputTokens',
      message: `max_tokens must exceed the thinking budget (${budget}); it was raised from ${maxTokens} to ${budget + maxTokens}.`,
    });
    maxTokens = budget + maxTokens;
  }
  return { thinking: { type: 'enabled', budget_tokens: budget, ...display }, maxTokens };
}
