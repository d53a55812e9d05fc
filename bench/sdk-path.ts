/**
 * Where ZenClient's CPU per call goes on the real SDK path (issue 15, point 3): client CPU per call
 * at concurrency 64 against the simulator answering at once in its own process, for the raw SDK,
 * ZenClient through the SDK, and the same ZenClient call over an instant provider followed by a
 * separate raw SDK call (bench/sdk-path-child.mjs). `zen` less `zen-then-raw` is what wrapping the
 * SDK call costs beyond the two pieces of work themselves. Each client runs in fresh processes on
 * the tsup build, in rotating order; medians and ranges. SDK_PATH_NO_SOCKET=1 repeats it with a
 * fetch that answers without a socket. `npx tsx bench/sdk-path.ts` (SDK_PATH_ROUNDS, SDK_PATH_CALLS).
 */
import { builtPackage, median, range, runChild } from './built-package.js';
import { forkSimulator } from './simulator.js';

const MODES = ['raw', 'zen', 'zen-then-raw'] as const;
const rounds = Number(process.env.SDK_PATH_ROUNDS ?? 3);
const calls = Number(process.env.SDK_PATH_CALLS ?? 8_000);
const entry = await builtPackage();
const { baseURL, stop } = await forkSimulator(0);
const cpu = new Map<string, number[]>(MODES.map((mode) => [mode, []]));
// The children inherit the environment: NO_SOCKET gives their SDKs a fetch without a socket.
if (process.env.SDK_PATH_NO_SOCKET) process.env.NO_SOCKET = '1';
try {
  for (let round = 0; round < rounds; round += 1) {
    for (let slot = 0; slot < MODES.length; slot += 1) {
      const mode = MODES[(round + slot) % MODES.length]!;
      const result = await runChild<{ cpuUs: number }>('./sdk-path-child.mjs', [entry, baseURL, mode, String(calls)]);
      cpu.get(mode)!.push(result.cpuUs);
    }
  }
} finally {
  stop();
}
const line = (mode: string) => `${median(cpu.get(mode)!).toFixed(0)} µs (${range(cpu.get(mode)!)})`;
console.log(
  `Client CPU per call, ${calls} calls at concurrency 64, ${rounds} rounds${process.env.SDK_PATH_NO_SOCKET ? ', no socket' : ''}: ` +
    `raw SDK ${line('raw')}, ZenClient through the SDK ${line('zen')}, the same ZenClient call beside a raw SDK call ${line('zen-then-raw')}`,
);
const added = median(cpu.get('zen')!) - median(cpu.get('raw')!);
const apart = median(cpu.get('zen-then-raw')!) - median(cpu.get('raw')!);
console.log(`  ZenClient adds ${added.toFixed(0)} µs through the SDK; ${apart.toFixed(0)} µs when its call and the SDK call run apart`);
