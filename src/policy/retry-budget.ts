import type { ZenErrorKind } from '../core/errors.js';

export interface RetryBudgetOptions {
  /** Bucket size (default 500, as in the AWS SDKs' standard retry mode). */
  capacity?: number;
  /** Tokens a retry or failover costs (default 5). */
  retryCost?: number;
  /** Tokens a retry after a timeout costs (default 10). */
  timeoutCost?: number;
  /** Tokens a first-try success puts back (default 1). */
  successRefill?: number;
}

/**
 * A token bucket shared by every call of a client: each retry or failover takes tokens, each
 * success gives some back. In an outage the bucket empties and calls stop multiplying.
 */
export class RetryBudget {
  private tokens: number;
  private readonly capacity: number;
  private readonly retryCost: number;
  private readonly timeoutCost: number;
  private readonly successRefill: number;

  constructor(options: RetryBudgetOptions = {}) {
    this.capacity = options.capacity ?? 500;
    this.retryCost = options.retryCost ?? 5;
    this.timeoutCost = options.timeoutCost ?? 10;
    this.successRefill = options.successRefill ?? 1;
    this.tokens = this.capacity;
  }

  get available(): number {
    return this.tokens;
  }

  /** Takes the cost of one more try after a failure of `kind`; returns the cost, or 0 when the budget is empty. */
  acquire(kind: ZenErrorKind): number {
    const cost = kind === 'timeout' ? this.timeoutCost : this.retryCost;
    if (this.tokens < cost) return 0;
    this.tokens -= cost;
    return cost;
  }

  /** A call succeeded: refund what its retries took, or add the small first-try refill. */
  onSuccess(spent: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + (spent > 0 ? spent : this.successRefill));
  }
}
