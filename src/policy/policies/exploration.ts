import type { ExplorationOptions } from '../types.js';

const DAY_MS = 86_400_000;

/** Defaults: at most 5 % of `auto` calls, at most $1 a day of estimated cost. */
export const DEFAULT_EXPLORATION: Required<ExplorationOptions> = { share: 0.05, dailyUsd: 1 };

/**
 * The exploration budget of one client's `auto` calls: how many calls may be routed by a Thompson
 * sample instead of the best estimate (at most `share` of them, spread evenly: call n may explore
 * only while explored + 1 ≤ share × n), and how much their estimated cost may add up to per UTC day.
 */
export class ExplorationBudget {
  private calls = 0;
  private explored = 0;
  private day = -1;
  private spentToday = 0;

  constructor(private readonly now: () => number) {}

  /** Counts a call; true when it may explore. */
  admit(options: ExplorationOptions | false | undefined): boolean {
    this.calls += 1;
    if (options === false) return false;
    const share = options?.share ?? DEFAULT_EXPLORATION.share;
    const dailyUsd = options?.dailyUsd ?? DEFAULT_EXPLORATION.dailyUsd;
    if (!(share > 0) || !(dailyUsd > 0)) return false;
    this.rollDay();
    return this.explored + 1 <= share * this.calls && this.spentToday < dailyUsd;
  }

  /** An exploring call changed the pick: it counts against the share, its estimated cost against the day. */
  spend(options: ExplorationOptions | false | undefined, estimatedUsd: number): boolean {
    const dailyUsd = (options || undefined)?.dailyUsd ?? DEFAULT_EXPLORATION.dailyUsd;
    this.rollDay();
    if (this.spentToday + estimatedUsd > dailyUsd) return false;
    this.explored += 1;
    this.spentToday += estimatedUsd;
    return true;
  }

  /** For explanations and tests. */
  state(): { calls: number; explored: number; spentToday: number } {
    return { calls: this.calls, explored: this.explored, spentToday: this.spentToday };
  }

  private rollDay(): void {
    const day = Math.floor(this.now() / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.spentToday = 0;
    }
  }
}

/** One standard normal draw (Box–Muller). */
export function normal(random: () => number): number {
  const u = 1 - random(); // (0, 1]
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * A Thompson sample of a chance of success with mean `p` and spread `sd`, drawn on the logit scale
 * (where the belief is Gaussian) so that it stays within (0, 1).
 */
export function sampleChance(p: number, sd: number, random: () => number): number {
  if (!(sd > 0) || p <= 0 || p >= 1) return p;
  const slope = p * (1 - p);
  const z = Math.log(p / (1 - p)) + (sd / slope) * normal(random);
  return 1 / (1 + Math.exp(-z));
}
