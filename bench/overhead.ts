import { benchSdk, benchZen, MESSAGES as messages } from './clients.js';
import { runAtConcurrency } from './concurrent.js';
import { forkSimulator } from './simulator.js';

/** One way of making the call, against the raw SDK: its added wall time and its client CPU. */
export interface VariantResult {
  /** Median over the rounds of (variant wall time / raw wall time) − 1, in percent. */
  overheadPercent: number;
  wallMs: number;
  /** Client CPU (user + system, this process only) per call, in µs. */
  cpuUs: number;
}

export interface OverheadResult {
  latencyMs: number;
  calls: number;
  raw: { wallMs: number; cpuUs: number };
  /** ZenClient with `auto` routing over three models, execution, insurance, ledger, metadata. */
  zen: VariantResult;
  /** With `detail`: the raw SDK call preceded by `zen.plan()` of the same request (prompt analysis and the routing decision, nothing else). */
  routeOnly?: VariantResult;
  /** With `detail`: a second raw SDK client measured the same way, the bench's own resolution (an A/A test). */
  rawAgain?: VariantResult;
}

/**
 * Wall time of N non-streamed calls at concurrency 64 through the raw openai SDK and through
 * ZenClient against the simulator, which runs in a child process. Each round runs the raw SDK and
 * every variant, in an order that rotates from round to round, so that drift hits all of them;
 * the median ratio to the round's raw time is reported, with the client's CPU time per call.
 */
export async function benchOverhead(
  options: { calls?: number; rounds?: number; latencyMs?: number; detail?: boolean } = {},
): Promise<OverheadResult> {
  const calls = options.calls ?? 2_000;
  const rounds = options.rounds ?? 5;
  const latencyMs = options.latencyMs ?? 0;
  const { baseURL, stop } = await forkSimulator(latencyMs);
  try {
    const raw = benchSdk(baseURL);
    const zen = benchZen(benchSdk(baseURL));
    const runRaw = () => raw.chat.completions.create({ model: 'gpt-5-mini', messages });
    const variants: Record<string, () => Promise<unknown>> = { zen: () => zen.chat.completions.create({ model: 'auto', messages }) };
    if (options.detail) {
      // What any router must do before it calls: read the prompt and decide. The request is the
      // canonical form the face would convert the messages to.
      variants.routeOnly = async () => {
        await zen.plan({
          model: 'auto',
          request: { messages: [{ role: 'user', content: [{ type: 'text', text: messages[0]!.content }] }] },
        });
        return raw.chat.completions.create({ model: 'gpt-5-mini', messages });
      };
      const rawAgain = benchSdk(baseURL);
      variants.rawAgain = () => rawAgain.chat.completions.create({ model: 'gpt-5-mini', messages });
    }

    await runAtConcurrency(runRaw, calls); // warm up every path
    for (const run of Object.values(variants)) await runAtConcurrency(run, calls);
    const rawRounds: Array<{ wallMs: number; cpuUs: number }> = [];
    const variantRounds = new Map<string, Array<{ wallMs: number; cpuUs: number }>>(Object.keys(variants).map((name) => [name, []]));
    // The order rotates from round to round: whatever runs first or last in a round (a warmer
    // JIT, a busier simulator) does not favour one of them.
    const order: Array<[string, () => Promise<unknown>]> = [['raw', runRaw], ...Object.entries(variants)];
    for (let round = 0; round < rounds; round += 1) {
      for (let slot = 0; slot < order.length; slot += 1) {
        const [name, run] = order[(round + slot) % order.length]!;
        const measured = await runAtConcurrency(run, calls);
        if (name === 'raw') rawRounds.push(measured);
        else variantRounds.get(name)!.push(measured);
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const summarize = (measured: Array<{ wallMs: number; cpuUs: number }>): VariantResult => ({
      overheadPercent: (median(measured.map((entry, i) => entry.wallMs / rawRounds[i]!.wallMs)) - 1) * 100,
      wallMs: median(measured.map((entry) => entry.wallMs)),
      cpuUs: median(measured.map((entry) => entry.cpuUs)),
    });
    const result: OverheadResult = {
      latencyMs,
      calls,
      raw: { wallMs: median(rawRounds.map((entry) => entry.wallMs)), cpuUs: median(rawRounds.map((entry) => entry.cpuUs)) },
      zen: summarize(variantRounds.get('zen')!),
    };
    if (options.detail) {
      result.routeOnly = summarize(variantRounds.get('routeOnly')!);
      result.rawAgain = summarize(variantRounds.get('rawAgain')!);
    }
    return result;
  } finally {
    stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchOverhead({ latencyMs: Number(process.argv[2] ?? 0), detail: process.argv.includes('--detail') }));
}
