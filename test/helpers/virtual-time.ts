import { setImmediate as realSetImmediate, setTimeout as realSetTimeout } from 'node:timers';
import { afterEach, beforeEach, vi } from 'vitest';

/**
 * Virtual time for tests of deadlines, hedges and latency: the client's clock and timers (the
 * global setTimeout/setInterval, Date and performance.now) are fake, so a deadline fires exactly
 * when the test moves time past it and a duration is exactly the time the test moved, however
 * loaded the machine is. Real I/O (the SDKs talking to the simulator over loopback) still runs in
 * real time, and the simulator's scripted latency uses node:timers, which stay real: a reply the
 * test wants late is scripted to never come (`stall`), not to come "late enough".
 *
 * The rule that keeps a test deterministic: move time only when the call is known to be waiting
 * (the simulator has the request, an attempt event came), never while a reply may be on its way.
 */
export interface VirtualTime {
  /** Moves the fake clock forward, firing every timer due on the way (and the promise work they start). */
  advance(ms: number): Promise<void>;
  /** Waits in real time (the I/O keeps going) until `condition` holds; fails after 20,000 polls (20 s or more). */
  until(condition: () => boolean, what: string): Promise<void>;
  /** Whether a promise has settled yet, without waiting for it. */
  settled(promise: Promise<unknown>): Promise<boolean>;
  /**
   * Awaits a call whose only deadlines are far away (the defaults: minutes): moves time `stepMs`
   * at a time, with real waits between, so that backoffs and Retry-After waits pass. Only for calls
   * with no deadline a step could reach while a reply is on its way.
   */
  settle<T>(promise: Promise<T>, stepMs?: number): Promise<T>;
}

const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] as const;

/** Fakes the clock for every test of the enclosing describe (or file). */
export function useVirtualTime(): VirtualTime {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: [...FAKED] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  return virtualTime;
}

/** Runs one test body in virtual time (for a file whose other tests keep real time). */
export async function inVirtualTime<T>(body: (time: VirtualTime) => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: [...FAKED] });
  try {
    return await body(virtualTime);
  } finally {
    vi.useRealTimers();
  }
}

const realYield = () => new Promise<void>((resolve) => realSetImmediate(resolve));

const virtualTime: VirtualTime = {
  async advance(ms) {
    await vi.advanceTimersByTimeAsync(ms);
    await realYield();
  },
  async until(condition, what) {
    for (let waited = 0; !condition(); waited += 1) {
      if (waited > 20_000) throw new Error(`virtual time: still waiting after 20 s of real time for ${what}`);
      await new Promise<void>((resolve) => realSetTimeout(resolve, 1));
    }
  },
  async settle(promise, stepMs = 5) {
    let done = false;
    promise.then(
      () => (done = true),
      () => (done = true),
    );
    for (let moved = 0; !done; moved += stepMs) {
      if (moved > 60_000) throw new Error('virtual time: the call did not settle within 60 s of virtual time');
      await vi.advanceTimersByTimeAsync(stepMs);
      await new Promise<void>((resolve) => realSetTimeout(resolve, 1));
    }
    return promise;
  },
  async settled(promise) {
    let done = false;
    promise.then(
      () => (done = true),
      () => (done = true),
    );
    for (let i = 0; i < 5; i += 1) await realYield();
    return done;
  },
};

/** A promise a test opens when it chooses: the simulator's `hold` for a reply that must come later than something else. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
