/**
 * Hands a provider's answer on from a later turn of the event loop, after the I/O callbacks of
 * this one, where the runtime has `setImmediate` (Node, Bun); undefined elsewhere (browsers, edge
 * runtimes: their only macrotask, `setTimeout(0)`, may wait milliseconds, so answers go on at once).
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
const immediate = (globalThis as { setImmediate?: (callback: (value: unknown) => void, value: unknown) => unknown }).setImmediate;

export const laterTurn: (<T>(value: T) => Promise<T>) | undefined =
  typeof immediate === 'function'
    ? <T>(value: T) =>
        new Promise<T>((resolve) => {
          immediate(resolve as (value: unknown) => void, value);
        })
    : undefined;
