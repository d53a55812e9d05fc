import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ZenClient } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';

describe('the first calls of a process', () => {
  const sim = useSimulator();

  it('64 calls made while the model data loads all route and answer, each with its own plan', async () => {
    // This file runs in its own module graph: nothing has loaded the model data yet.
    sim.setDefault('*', { text: 'ok', usage: { input: 10, output: 1 } });
    const zen = new ZenClient({
      providers: { openai: new OpenAI({ apiKey: 'sk-test-00000000000000000000', baseURL: sim.openaiBaseURL, maxRetries: 0 }) },
      routing: { models: ['openai/gpt-5-mini', 'openai/gpt-5-nano', 'openai/gpt-4.1-mini'] },
    });
    const routes: Array<{ frontier?: string[]; explanation: string }> = [];
    zen.on('route', (route) => routes.push(route));
    const answers = await Promise.all(
      Array.from({ length: 64 }, () => zen.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] })),
    );
    expect(answers.map((answer) => answer.choices[0]!.message.content)).toEqual(Array(64).fill('ok'));
    expect(routes).toHaveLength(64);
    for (const route of routes) expect(route.explanation).toMatch(/frontier/);
    expect(answers.every((answer) => answer.zen.cost.total > 0)).toBe(true);
    await zen.close();
  });
});
