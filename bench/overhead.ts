import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { ZenClient } from '../src/index.js';
import { runAtConcurrency } from './concurrent.js';

export interface OverheadResult {
  rawMs: number;
  zenMs: number;
  overheadPercent: number;
  /** Client CPU (user + system, this process only) per call, in µs. */
  rawCpuUs: number;
  zenCpuUs: number;
  /**
   * With `routeOnly`: the raw SDK call preceded by `zen.plan()` of the same request (prompt
   * analysis and the routing decision, nothing else), against the raw call.
   */
  routeOnly?: { overheadPercent: number; cpuUs: number };
  latencyMs: number;
  calls: number;
}

/**
 * Wall time of N non-streamed calls at concurrency 64 through the raw openai SDK and through
 * ZenClient (routing with `auto` over three models, execution, insurance, ledger, metadata)
 * against the simulator, which runs in a child process. Rounds alternate raw/zen so drift hits
 * both; the median ratio is reported, with the client's CPU time per call.
 */
export async function benchOverhead(options: { calls?: number; rounds?: number; latencyMs?: number; routeOnly?: boolean } = {}): Promise<OverheadResult> {
  const calls = options.calls ?? 2_000;
  const rounds = options.rounds ?? 5;
  const latencyMs = options.latencyMs ?? 0;
  const child = fork(fileURLToPath(new URL('./simulator-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SIM_LATENCY_MS: String(latencyMs) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const baseURL = await new Promise<string>((resolve) => child.once('message', (message: { url: string }) => resolve(message.url)));
  try {
    const raw = new OpenAI({ apiKey: 'sk-bench-000000000000000000', baseURL, maxRetries: 0 });
    const zen = new ZenClient({
      providers: { openai: new OpenAI({ apiKey: 'sk-bench-000000000000000000', baseURL, maxRetries: 0 }) },
      routing: { models: ['openai/gpt-5-mini', 'openai/gpt-5-nano', 'openai/gpt-4.1-mini'], preference: 'balanced' },
    });
    const messages = [{ role: 'user' as const, content: 'Summarise the plot of Hamlet in one sentence.' }];
    const runRaw = () => raw.chat.completions.create({ model: 'gpt-5-mini', messages });
    const runZen = () => zen.chat.completions.create({ model: 'auto', messages });
    // What any router must do before it calls: read the prompt and decide. The request is the
    // canonical form the face would convert the messages to.
    const runRouteOnly = async () => {
      await zen.plan({ model: 'auto', request: { messages: [{ role: 'user', content: [{ type: 'text', text: messages[0]!.content }] }] } });
      return raw.chat.completions.create({ model: 'gpt-5-mini', messages });
    };
    const timed = async (run: () => Promise<unknown>, cpu?: number[]): Promise<number> => {
      const { wallMs, cpuUs } = await runAtConcurrency(run, calls);
      cpu?.push(cpuUs);
      return wallMs;
    };
    await timed(runRaw);
    await timed(runZen); // warm up the paths
    if (options.routeOnly) await timed(runRouteOnly);
    const rawTimes: number[] = [];
    const zenTimes: number[] = [];
    const routeTimes: number[] = [];
    const rawCpu: number[] = [];
    const zenCpu: number[] = [];
    const routeCpu: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      rawTimes.push(await timed(runRaw, rawCpu));
      zenTimes.push(await timed(runZen, zenCpu));
      if (options.routeOnly) routeTimes.push(await timed(runRouteOnly, routeCpu));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const overhead = (times: number[]) => (median(times.map((time, i) => time / rawTimes[i]!)) - 1) * 100;
    return {
      rawMs: median(rawTimes), zenMs: median(zenTimes), overheadPercent: overhead(zenTimes), rawCpuUs: median(rawCpu), zenCpuUs: median(zenCpu), latencyMs, calls,
      ...(options.routeOnly ? { routeOnly: { overheadPercent: overhead(routeTimes), cpuUs: median(routeCpu) } } : {}),
    };
  } finally {
    child.disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchOverhead({ latencyMs: Number(process.argv[2] ?? 0) }));
}
