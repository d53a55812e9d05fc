/**
 * Long work in bounded slices. Counting the tokens of a 2 MB prompt or redacting it takes far
 * longer than a timer may wait, so such work runs as a sequence of slices of bounded size, and
 * the event loop gets a turn between slices: timeouts fire, sockets are read, other calls go on.
 *
 * The work itself is written once, as a generator that yields at each slice boundary; `runNow`
 * drives it synchronously (for the synchronous public functions), `runInSlices` gives the loop a
 * turn at each boundary. A slice ends after SLICE_MS of work: costs per unit of text differ by
 * two orders of magnitude between scripts, so a budget in characters would be either too small
 * for plain text or too large for the rest.
 */

/** How long one slice of work may hold the event loop. */
export const SLICE_MS = 4;

export type SlicedWork<T> = Generator<void, T, void>;

type Schedule = (callback: () => void) => void;

/**
 * A macrotask, so that timers and I/O run before the work goes on (a microtask would not let
 * them). `setImmediate` where the runtime has it (Node, Bun): it runs after I/O callbacks without
 * the 1 ms floor of `setTimeout`; `setTimeout(0)` elsewhere (browsers, edge runtimes).
 */
const schedule: Schedule = (() => {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') return (callback) => void immediate(callback);
  return (callback) => void setTimeout(callback, 0);
})();

/** Resolves on a later turn of the event loop. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => schedule(resolve));
}

/** Runs `work` to its end without giving the loop a turn. */
export function runNow<T>(work: SlicedWork<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs `work`, giving the event loop a turn at every slice boundary. A signal that aborts stops
 * the work at the next boundary with the signal's reason.
 */
export async function runInSlices<T>(work: SlicedWork<T>, signal?: AbortSignal): Promise<T> {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    await nextTurn();
    if (signal?.aborted) {
      work.return(undefined as never);
      throw signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
    }
  }
}

/**
 * The time budget of a slice: `spent()` is true once SLICE_MS have passed since the slice began
 * (the caller then yields and calls `restart()` when it resumes). The clock is read only every
 * `checkEvery` calls: reading it costs more than a small step of work.
 */
export class SliceBudget {
  private started = performance.now();
  private calls = 0;

  constructor(
    private readonly sliceMs = SLICE_MS,
    private readonly checkEvery = 1,
  ) {}

  spent(): boolean {
    if (++this.calls < this.checkEvery) return false;
    this.calls = 0;
    return performance.now() - this.started >= this.sliceMs;
  }

  restart(): void {
    this.started = performance.now();
    this.calls = 0;
  }
}
