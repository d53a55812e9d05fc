import { afterEach, describe, expect, it } from 'vitest';
import { probeIdentity } from '../../src/eval/identity.js';
import { scriptHleAnswers } from '../../src/testing/hle-answers.js';
import { A, B, sampleItems, useTwoHosts } from './helpers.js';

const hosts = useTwoHosts();

afterEach(() => {
  hosts.primary.reset();
  hosts.second.reset();
});

describe('probeIdentity', () => {
  it('flags a channel that says it is another model, and one that answers unlike its siblings', async () => {
    const items = await sampleItems();
    scriptHleAnswers(hosts.primary, items);
    // The second host serves something else under the name gpt-5-mini.
    scriptHleAnswers(hosts.second, items, { identity: { 'gpt-5-mini': 'I am Llama 3.1 70B Instruct.' } });
    const zen = await hosts.client();
    const [a, b] = await probeIdentity(zen, { channels: [A, B] });
    expect(a!.flagged).toBe(false);
    expect(a!.claimsModel).toBe(true);
    expect(b!.flagged).toBe(true);
    expect(b!.reasons[0]).toMatch(/Llama/);
    // Both hosts answer the fingerprint prompts alike here (the same simulated default).
    expect(a!.agreement).toBe(1);

    hosts.second.reset();
    hosts.second.setDefault('*', (request) => ({
      text: /which model/i.test(request.lastUserText) ? 'GPT-5 mini' : `other ${request.lastUserText.length}`,
    }));
    const [, different] = await probeIdentity(zen, { channels: [A, B] });
    expect(different!.claimsModel).toBe(true);
    expect(different!.agreement).toBe(0);
    expect(different!.flagged).toBe(true);
  });

  it('needs channels', async () => {
    const zen = await hosts.client();
    await expect(probeIdentity(zen, { channels: [] })).rejects.toThrow(/channels/);
  });
});
