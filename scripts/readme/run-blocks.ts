/**
 * Runs generated README block modules in order (started by check.ts, which reads the JSON line
 * this prints last). The prelude starts the simulator first; each block gets it reset.
 */
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { simulator } from './prelude.js';

const BLOCK_TIMEOUT_MS = 60_000;
const results: Array<{ file: string; ok: boolean; error?: string; output: string }> = [];
const log = console.log;
// A rejection nobody awaited (a client's background work) fails the block that was running.
let stray: unknown;
process.on('unhandledRejection', (reason) => {
  stray ??= reason;
});

for (const file of process.argv.slice(2)) {
  simulator.reset();
  stray = undefined;
  const output: string[] = [];
  // What a block prints is kept with its result, not mixed into the JSON line.
  console.log = (...args: unknown[]) => void output.push(`${format(...args)}\n`);
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  let timer: NodeJS.Timeout | undefined;
  try {
    const module = (await import(pathToFileURL(file).href)) as { run: () => Promise<void> };
    await Promise.race([
      module.run(),
      new Promise(
        (_, reject) =>
          (timer = setTimeout(() => reject(new Error(`did not finish within ${BLOCK_TIMEOUT_MS / 1000} s`)), BLOCK_TIMEOUT_MS)),
      ),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 20)); // lets a stray rejection surface
    if (stray !== undefined) throw stray;
    results.push({ file, ok: true, output: output.join('') });
  } catch (error) {
    results.push({
      file,
      ok: false,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      output: output.join(''),
    });
  } finally {
    clearTimeout(timer);
    console.log = log;
    process.stdout.write = write;
  }
}

await simulator.close();
process.stdout.write(`\n${JSON.stringify({ results })}\n`);
// Clients a block left open (timers, sockets) must not keep the process alive.
process.exit(0);
