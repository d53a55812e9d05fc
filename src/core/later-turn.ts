/**
 * Hands a provider's answer on from a later turn of the event loop, after the I/O callbacks of
 * this one, where the runtime is Node or Bun and has `setImmediate`; undefined elsewhere (browsers,
 * edge runtimes: their only macrotask, `setTimeout(0)`, may wait milliseconds, so answers go on at
 * once). Next.js's Edge Runtime defines a `setImmediate` that throws, so it is told by its
 * `EdgeRuntime` global, and a `setImmediate` that throws anywhere is given up for good.
 *
 * Why: with many calls in flight, the answers that arrive together are read by the HTTP client
 * one socket after another; when each answer's follow-up work (conversion, detectors, the ledger
 * record, the caller's next request) runs in between, the client's code and ZenClient's alternate
 * and both run colder. Handing the follow-up to the check phase lets the reads finish first:
 * measured with the openai SDK against the simulator at concurrency 64 (bench/sdk-path.ts), the
 * client CPU per call fell from ~860 to ~700 µs. At one call at a time it waits for nothing.
 *
 * `setImmediate` is read once, at import: fake timers installed later (tests) do not hold answers.
 */
type Immediate = (callback: (value: unknown) => void, value: unknown) => unknown;
const scope = globalThis as {
  setImmediate?: Immediate;
  EdgeRuntime?: unknown;
  process?: { versions?: Record<string, string | undefined> };
};
const versions = scope.process?.versions;
const immediate =
  typeof scope.setImmediate === 'function' &&
  scope.EdgeRuntime === undefined &&
  (versions?.node !== undefined || versions?.bun !== undefined)
    ? scope.setImmediate
    : undefined;
let usable = true;

/**
 * Answers waiting for the later turn, as resolve/value pairs: one `setImmediate` hands on every
 * answer that arrived in the same turn (64 calls in flight often answer together), rather than one
 * Immediate per answer.
 */
let waiting: unknown[] = [];

function handOn(): void {
  const batch = waiting;
  waiting = [];
  for (let index = 0; index < batch.length; index += 2) (batch[index] as (value: unknown) => void)(batch[index + 1]);
}

export const laterTurn: (<T>(value: T) => Promise<T>) | undefined = immediate
  ? <T>(value: T) =>
      new Promise<T>((resolve) => {
        if (usable) {
          if (waiting.length > 0) {
            waiting.push(resolve, value);
            return;
          }
          try {
            immediate(handOn, undefined);
            waiting.push(resolve, value);
            return;
          } catch {
            usable = false;
          }
        }
        resolve(value);
      })
  : undefined;
