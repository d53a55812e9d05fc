import type { StopReason } from './attempt.js';
import { stopError } from './attempt.js';

/**
 * Calls whose total deadlines fall due together share one timer and one AbortSignal (a cohort),
 * instead of a timer per call and an AbortController per attempt: Node spends ~2.5 µs and ~2 KB on
 * each AbortController (an EventTarget) and ~0.7 KB on each timer, and almost no call ever meets
 * its deadline. When the cohort's time comes, each member's own deadline is stopped first (so each
 * attempt is named for its own timeout), then the shared signal aborts every request the SDKs were
 * handed it for, the body of a stalled answer included (an SDK's own timeout ends at the headers).
 *
 * A cohort whose members all ended stays open, timer and all, until the next call joins it or
 * another cohort empties: calls one after another (no two in flight) share it too. Only one such
 * idle cohort is kept, so nothing piles up while the slots move on.
 *
 * A deadline of 10 s or more joins the cohort of its slot, the deadline rounded up to 1/1000 of
 * it (at most 100 ms): such a deadline fires up to 0.1% late, never early. A shorter one keeps its
 * exact time (a cohort of its own unless another call's deadline falls on the very same instant).
 */

/** What a cohort stops when it fires: an execution, through its own deadline switch. */
export interface CohortMember {
  expire(): void;
}

/** Node warns past 10 listeners on one EventTarget, and each SDK request leaves one on its signal. */
const MAX_SHARED_SIGNALS = 10;
/** A deadline this long or longer shares a rounded slot; a shorter one keeps its exact instant. */
const ROUNDED_FROM_MS = 10_000;
const MAX_SLOT_MS = 100;

const DEADLINE_REACHED: StopReason = { kind: 'timeout', message: 'The call exceeded its total deadline.' };

export class DeadlineCohort {
  private readonly members: CohortMember[] = [];
  private joined = 0;
  private signalsGiven = 0;
  private controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ended = false;

  constructor(
    private readonly registry: DeadlineCohorts,
    readonly at: number,
    delayMs: number,
  ) {
    this.timer = setTimeout(() => this.fire(), Math.max(0, delayMs));
  }

  /** Another member may join (the cap keeps the listeners on the shared signal below Node's warning). */
  get open(): boolean {
    return !this.ended && this.joined < MAX_SHARED_SIGNALS;
  }

  join(member: CohortMember): void {
    if (this.members.length === 0 && this.joined > 0) holdProcess(this.timer, true);
    this.members.push(member);
    this.joined += 1;
  }

  get empty(): boolean {
    return this.members.length === 0;
  }

  /** The member ended before the deadline; the last one out leaves the cohort idle (see above). */
  leave(member: CohortMember): void {
    const index = this.members.indexOf(member);
    if (index < 0) return;
    const last = this.members.pop()!;
    if (index < this.members.length) this.members[index] = last;
    if (this.members.length === 0 && !this.ended) {
      // An idle cohort's timer must not keep a Node process alive that has nothing else to do.
      holdProcess(this.timer, false);
      this.registry.emptied(this);
    }
  }

  /** No member left and none to come: the timer is cleared and the cohort dropped. */
  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.ended = true;
    this.registry.closed(this);
  }

  /**
   * The shared AbortSignal, for an attempt that only the deadline can stop; undefined once it has
   * been handed out as often as Node lets listeners pile up on one signal (the attempt then makes
   * its own).
   */
  signal(): AbortSignal | undefined {
    if (this.signalsGiven >= MAX_SHARED_SIGNALS) return undefined;
    this.signalsGiven += 1;
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.ended) this.controller.abort(stopError(DEADLINE_REACHED));
    }
    return this.controller.signal;
  }

  private fire(): void {
    this.ended = true;
    this.timer = undefined;
    this.registry.closed(this);
    // Each member's own deadline first: its attempts take their reason before the SDKs see the abort.
    for (const member of this.members.splice(0)) member.expire();
    this.controller?.abort(stopError(DEADLINE_REACHED));
  }
}

/** A client's open cohorts by slot; one per clock, since a cohort's time is read on that clock. */
export class DeadlineCohorts {
  private readonly open = new Map<number, DeadlineCohort>();
  /** The one cohort kept open with no member, for the next call due in its slot. */
  private idle: DeadlineCohort | undefined;

  /** The cohort `member` joins for a deadline of `totalMs` from `startedAt`. */
  join(member: CohortMember, startedAt: number, totalMs: number): DeadlineCohort {
    const slotMs = totalMs >= ROUNDED_FROM_MS ? Math.min(MAX_SLOT_MS, Math.floor(totalMs / 1000)) : 0;
    const exact = startedAt + totalMs;
    const at = slotMs > 0 ? Math.ceil(exact / slotMs) * slotMs : exact;
    let cohort = this.open.get(at);
    if (!cohort?.open) {
      // An exact deadline waits exactly totalMs, as a timer of its own would.
      cohort = new DeadlineCohort(this, at, slotMs > 0 ? at - startedAt : totalMs);
      this.open.set(at, cohort);
    }
    if (cohort === this.idle) this.idle = undefined;
    cohort.join(member);
    return cohort;
  }

  /** The cohort's last member ended: it waits for the next call as the idle cohort, if one may join. */
  emptied(cohort: DeadlineCohort): void {
    if (!cohort.open) {
      cohort.close();
      return;
    }
    const previous = this.idle;
    this.idle = cohort;
    if (previous && previous !== cohort && previous.empty) previous.close();
  }

  /** The cohort ended or closed: no one joins it any more. */
  closed(cohort: DeadlineCohort): void {
    if (this.open.get(cohort.at) === cohort) this.open.delete(cohort.at);
    if (this.idle === cohort) this.idle = undefined;
  }
}

/** `ref`/`unref` on runtimes whose timers have them (Node, Bun); elsewhere a timer holds nothing. */
function holdProcess(timer: ReturnType<typeof setTimeout> | undefined, hold: boolean): void {
  if (typeof timer !== 'object' || timer === null) return;
  const handle = timer as { ref?: () => unknown; unref?: () => unknown };
  if (hold) handle.ref?.();
  else handle.unref?.();
}

const registries = new WeakMap<object, DeadlineCohorts>();

/** The cohorts of the client whose executor dependencies are `deps` (made on first use). */
export function deadlineCohorts(deps: object): DeadlineCohorts {
  let cohorts = registries.get(deps);
  if (!cohorts) {
    cohorts = new DeadlineCohorts();
    registries.set(deps, cohorts);
  }
  return cohorts;
}
