/** The simulator in its own process, so that its work does not count against the client measured. */
import { startSimulator } from '../src/testing/index.js';

const latencyMs = Number(process.env.SIM_LATENCY_MS ?? 0);
// SIM_WORDS=300: answers of 300 words, streamed as 300 content chunks.
const words = Number(process.env.SIM_WORDS ?? 0);
const text =
  words > 0 ? Array.from({ length: words }, (_, index) => `w${index}`).join(' ') : 'The quick brown fox jumps over the lazy dog.';
const sim = await startSimulator();
sim.setDefault('*', { text, usage: { input: 20, output: words || 10 }, ttftMs: latencyMs });
// Recorded calls would grow without bound under load.
setInterval(() => (sim.calls.length = 0), 1_000).unref();
process.send?.({ url: sim.openaiBaseURL });
process.on('disconnect', () => void sim.close().then(() => process.exit(0)));
