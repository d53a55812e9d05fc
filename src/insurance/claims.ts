import { ZenError } from '../core/errors.js';
import { fromNanos, toNanos } from '../core/money.js';
import type { ClaimContext, Compensation, InsurancePolicyOptions } from './options.js';
import type { Claim, LedgerStore, QualityEvent, QualityEventKind } from './types.js';

/**
 * What is covered when the host says nothing. Answers that cannot be used are refunded; slow
 * answers are discounted. Refusals, feedback and failovers are not covered: a refusal may be right,
 * feedback is the host's to trust, and a failover the caller did not notice cost it nothing.
 */
export const DEFAULT_COVERAGE: Readonly<Partial<Record<QualityEventKind, Compensation>>> = Object.freeze({
  slow_first_token: { percent: 25 },
  slow_total: { percent: 25 },
  slow_stream: { percent: 25 },
  empty_answer: { percent: 100 },
  truncated_answer: { percent: 50 },
  invalid_json: { percent: 100 },
  schema_violation: { percent: 100 },
  unknown_tool: { percent: 100 },
  invalid_tool_arguments: { percent: 100 },
  ungrounded_claim: { percent: 100 },
  inconsistent_answers: { percent: 50 },
});

/** An event offered for a claim, with the cost a percentage applies to. */
export interface ClaimItem {
  event: QualityEvent;
  /** The call's cost, or the cost of the rejected attempt that produced a repaired answer. */
  basisUsd: number;
  basis: 'call' | 'attempt';
}

export interface SettleInput {
  items: ClaimItem[];
  call: ClaimContext;
  /** The call's total cost: with `capAtCallCost`, the most its claims may grant together. */
  callCostUsd: number;
  /** Credits the call was granted before (feedback after the fact). */
  creditedBeforeUsd?: number;
  newClaimId: () => string;
}

interface DayTotals {
  nanos: number;
  byKind: Map<QualityEventKind, number>;
}

/** Credits granted so far on a UTC day (`YYYY-MM-DD`), read back from the ledger once per day. */
export type DayTotalsLoader = (day: string) => Promise<Array<{ kind: QualityEventKind; amountUsd: number }>>;

/** The insurance policy: which events are covered, what they are worth, caps and exclusions. */
export class InsurancePolicy {
  readonly coverage: Readonly<Partial<Record<QualityEventKind, Compensation>>>;
  private readonly dailyCapNanos: number | undefined;
  private readonly capAtCallCost: boolean;
  private readonly exclude: Required<Pick<NonNullable<InsurancePolicyOptions['exclude']>, 'callerAborts' | 'invalidRequests'>> &
    Pick<NonNullable<InsurancePolicyOptions['exclude']>, 'custom'>;
  private day: { key: string; totals: Promise<DayTotals> } | undefined;

  /** `grantDay`: the ledger store's shared daily totals (LedgerStore.grantDailyCredits), when it keeps them. */
  constructor(
    options: InsurancePolicyOptions = {},
    private readonly loadDay: DayTotalsLoader = async () => [],
    private readonly grantDay?: LedgerStore['grantDailyCredits'],
  ) {
    const coverage: Partial<Record<QualityEventKind, Compensation>> = { ...DEFAULT_COVERAGE };
    for (const [kind, rule] of Object.entries(options.cover ?? {}) as Array<[QualityEventKind, Compensation | false | undefined]>) {
      if (rule === false || rule === undefined) delete coverage[kind];
      else coverage[kind] = checkRule(kind, rule);
    }
    this.coverage = Object.freeze(coverage);
    if (options.dailyCapUsd !== undefined && !(typeof options.dailyCapUsd === 'number' && options.dailyCapUsd >= 0)) {
      throw configuration('insurance.policy.dailyCapUsd', `must be a number >= 0, got ${String(options.dailyCapUsd)}`);
    }
    this.dailyCapNanos = options.dailyCapUsd === undefined ? undefined : toNanos(options.dailyCapUsd);
    this.capAtCallCost = options.capAtCallCost ?? true;
    this.exclude = {
      callerAborts: options.exclude?.callerAborts ?? true,
      invalidRequests: options.exclude?.invalidRequests ?? true,
      custom: options.exclude?.custom,
    };
  }

  covers(kind: QualityEventKind): boolean {
    return this.coverage[kind] !== undefined;
  }

  /** Why an event on this call is not compensated, or undefined when it is. */
  exclusion(event: QualityEvent, call: ClaimContext): string | undefined {
    if (this.exclude.callerAborts && call.outcome === 'aborted')
      return call.cancelled ? 'the caller cancelled the call' : 'the caller aborted the call';
    if (this.exclude.invalidRequests && (call.errorKind === 'invalid_request' || call.errorKind === 'context_length'))
      return 'the request was invalid';
    return this.exclude.custom?.(event, call);
  }

  /** Turns covered events into claims, in order: exclusions, then the per-call and daily caps. */
  async settle(input: SettleInput): Promise<Claim[]> {
    const covered = input.items.filter((item) => this.covers(item.event.kind));
    if (covered.length === 0) return [];
    const dayKey = covered[0]!.event.at.slice(0, 10);
    const callCapNanos = toNanos(input.callCostUsd);
    let callNanos = toNanos(input.creditedBeforeUsd ?? 0);
    // Nothing in `decide` awaits, so concurrent calls cannot both pass a cap.
    const decide = (totals: DayTotals): Claim[] =>
      covered.map(({ event, basisUsd, basis }): Claim => {
        const rule = this.coverage[event.kind]!;
        const nanos = 'percent' in rule ? Math.round((toNanos(basisUsd) * rule.percent) / 100) : toNanos(rule.fixedUsd);
        const words =
          'percent' in rule ? `${rule.percent}% of ${basis} cost (${usd(toNanos(basisUsd))})` : `fixed ${usd(toNanos(rule.fixedUsd))}`;
        const claim: Claim = {
          id: input.newClaimId(),
          requestId: event.requestId,
          eventId: event.id,
          eventKind: event.kind,
          channel: event.channel,
          at: event.at,
          amountUsd: 0,
          rule: words,
          status: 'credited',
        };
        const excluded = this.exclusion(event, input.call);
        if (excluded) return { ...claim, status: 'excluded', note: excluded };
        const capped = (note: string): Claim => ({ ...claim, status: 'capped', note: `${note}; would have granted ${usd(nanos)}` });
        const percentage = 'percent' in rule;
        if (this.capAtCallCost && percentage && callNanos + nanos > callCapNanos)
          return capped(`the call's credits reached its cost of ${usd(callCapNanos)}`);
        if (this.dailyCapNanos !== undefined && totals.nanos + nanos > this.dailyCapNanos)
          return capped(`the daily cap of ${usd(this.dailyCapNanos)} is reached`);
        const kindCap = rule.dailyCapUsd === undefined ? undefined : toNanos(rule.dailyCapUsd);
        const kindSoFar = totals.byKind.get(event.kind) ?? 0;
        if (kindCap !== undefined && kindSoFar + nanos > kindCap)
          return capped(`the daily cap of ${usd(kindCap)} for ${event.kind} is reached`);
        if (percentage) callNanos += nanos;
        totals.nanos += nanos;
        totals.byKind.set(event.kind, kindSoFar + nanos);
        return { ...claim, amountUsd: fromNanos(nanos) };
      });
    return this.grantDay ? this.grantDay(dayKey, decide) : decide(await this.totals(dayKey));
  }

  private totals(dayKey: string): Promise<DayTotals> {
    if (this.day?.key !== dayKey) {
      const totals = this.loadDay(dayKey).then((credited) => {
        const day: DayTotals = { nanos: 0, byKind: new Map() };
        for (const { kind, amountUsd } of credited) {
          const nanos = toNanos(amountUsd);
          day.nanos += nanos;
          day.byKind.set(kind, (day.byKind.get(kind) ?? 0) + nanos);
        }
        return day;
      });
      this.day = { key: dayKey, totals };
      // A failed read is retried by the next claim instead of leaving the caps unknown for the day.
      totals.catch(() => {
        if (this.day?.totals === totals) this.day = undefined;
      });
    }
    return this.day.totals;
  }
}

function checkRule(kind: QualityEventKind, rule: Compensation): Compensation {
  const option = `insurance.policy.cover.${kind}`;
  if (typeof rule !== 'object' || rule === null) throw configuration(option, 'must be { percent } or { fixedUsd }, or false');
  if ('percent' in rule) {
    if (typeof rule.percent !== 'number' || !(rule.percent >= 0))
      throw configuration(`${option}.percent`, `must be a number >= 0, got ${String(rule.percent)}`);
  } else if ('fixedUsd' in rule) {
    if (typeof rule.fixedUsd !== 'number' || !(rule.fixedUsd >= 0))
      throw configuration(`${option}.fixedUsd`, `must be a number >= 0, got ${String(rule.fixedUsd)}`);
  } else {
    throw configuration(option, 'must be { percent } or { fixedUsd }, or false');
  }
  if (rule.dailyCapUsd !== undefined && !(typeof rule.dailyCapUsd === 'number' && rule.dailyCapUsd >= 0)) {
    throw configuration(`${option}.dailyCapUsd`, `must be a number >= 0, got ${String(rule.dailyCapUsd)}`);
  }
  return { ...rule };
}

function configuration(option: string, problem: string): ZenError {
  return new ZenError({ kind: 'configuration', message: `${option} ${problem}`, retryable: false, code: option });
}

/** `$0.000125`: nanodollars in plain decimals (no exponent, no trailing zeros). */
function usd(nanos: number): string {
  return `$${fromNanos(nanos).toFixed(9).replace(/0+$/, '').replace(/\.$/, '')}`;
}
