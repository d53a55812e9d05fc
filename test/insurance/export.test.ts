import { describe, expect, it } from 'vitest';
import type { EvalsLine, FineTuneLine, ZenClient } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { FAKE_KEY, insuredClient, MINI, OPENAI_KEY, records, SONNET } from './helpers.js';

const sim = useSimulator();

const EMAIL = 'jane.doe@example.com';
const CARD = '4111 1111 1111 1111';
const PROMPT = `Extract the customer as JSON: Jane Doe, ${EMAIL}, card ${CARD}. Our key is ${FAKE_KEY}.`;
const personFormat = {
  type: 'json_schema' as const,
  json_schema: {
    name: 'customer',
    strict: true,
    schema: {
      type: 'object',
      properties: { email: { type: 'string' }, card: { type: 'string' } },
      required: ['email', 'card'],
      additionalProperties: false,
    },
  },
};

/** A repaired case (bad JSON, then a good one) and an unrepaired one (an empty answer). */
async function failingCalls(zen: ZenClient): Promise<void> {
  sim.enqueue('gpt-5-mini', { text: `{"email": "${EMAIL}", "card": ` });
  sim.enqueue('claude-sonnet-4-5', { json: { email: EMAIL, card: CARD } });
  await zen.chat.completions.create({
    model: [MINI, SONNET],
    messages: [
      { role: 'system', content: 'You extract data.' },
      { role: 'user', content: PROMPT },
    ],
    response_format: personFormat,
  });
  sim.enqueue('gpt-5-mini', { text: '' });
  await zen.chat.completions.create({ model: MINI, messages: [{ role: 'user', content: `Call me at ${EMAIL}` }] });
  sim.enqueue('gpt-5-mini', { text: 'A fine answer.' });
  await zen.chat.completions.create({ model: MINI, messages: [{ role: 'user', content: 'hello' }] });
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

function expectNoSecrets(text: string): void {
  expect(text).not.toContain(EMAIL);
  expect(text).not.toContain(CARD);
  expect(text).not.toContain(CARD.replace(/ /g, ''));
  expect(text).not.toContain(FAKE_KEY);
  expect(text).not.toContain(OPENAI_KEY);
}

describe('exportCases', () => {
  it('fine-tune: OpenAI chat lines with the repaired answer as the assistant turn, anonymized', async () => {
    const zen = insuredClient(sim, { insurance: { repair: true } });
    await failingCalls(zen);
    const lines = await collect(zen.exportCases());
    expect(lines).toHaveLength(1); // the unrepaired case has no good answer to teach
    expect(lines[0]!.endsWith('\n')).toBe(true);
    const line = JSON.parse(lines[0]!) as FineTuneLine;
    expect(Object.keys(line)).toEqual(['messages']);
    const messages = line.messages as Array<{ role: string; content: string }>;
    expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant']);
    expect(messages[1]!.content).toContain('[EMAIL]');
    expect(messages[1]!.content).toContain('[CARD]');
    expect(JSON.parse(messages[2]!.content)).toEqual({ email: '[EMAIL]', card: '[CARD]' });
    expectNoSecrets(lines.join(''));
  });

  it('evals: every case, with the input, the bad answer, the events and the ideal answer', async () => {
    const zen = insuredClient(sim, { insurance: { repair: true } });
    await failingCalls(zen);
    const lines = (await collect(zen.exportCases({ format: 'evals' }))).map((text) => JSON.parse(text) as EvalsLine);
    expect(lines).toHaveLength(2);
    const [repaired, empty] = lines;
    expect(repaired!.item).toMatchObject({
      bad_answer: { role: 'assistant', content: '{"email": "[EMAIL]", "card": ' },
      ideal: { role: 'assistant', content: '{"email":"[EMAIL]","card":"[CARD]"}' },
      events: [expect.objectContaining({ kind: 'invalid_json', detector: 'structured-output', channel: `${MINI}:openai` })],
      channel: `${MINI}:openai`,
    });
    expect(repaired!.item.input).toHaveLength(2);
    expect(empty!.item).toMatchObject({
      ideal: null,
      bad_answer: { role: 'assistant', content: '' },
      events: [expect.objectContaining({ kind: 'empty_answer' })],
    });
    expect(empty!.item.input).toEqual([{ role: 'user', content: 'Call me at [EMAIL]' }]);
    expectNoSecrets(JSON.stringify(lines));
  });

  it('filters by event kind and time', async () => {
    const zen = insuredClient(sim, { insurance: { repair: true } });
    await failingCalls(zen);
    const empty = await collect(zen.exportCases({ format: 'evals', kinds: ['empty_answer'] }));
    expect(empty).toHaveLength(1);
    expect(await collect(zen.exportCases({ format: 'evals', since: new Date(Date.now() + 60_000) }))).toEqual([]);
    expect(await collect(zen.exportCases({ format: 'evals', since: new Date(Date.now() - 60_000) }))).toHaveLength(2);
  });
});

describe('privacy', () => {
  it("no prompt text, no PII and no key in any ledger record or event by default ('none': hashes and counts)", async () => {
    const zen = insuredClient(sim, { insurance: { repair: true } });
    const emitted: unknown[] = [];
    zen.on('quality', (event) => emitted.push(event));
    zen.on('claim', (claim) => emitted.push(claim));
    await failingCalls(zen);
    const ledger = await records(zen);
    expectNoSecrets(JSON.stringify(ledger));
    expectNoSecrets(JSON.stringify(emitted));
    const request = ledger.find((record) => record.type === 'request')!;
    expect(request.type === 'request' && request.content).toEqual({
      mode: 'none',
      promptHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      promptChars: 'You extract data.'.length + PROMPT.length,
      responseHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      responseChars: expect.any(Number),
    });
    expect(JSON.stringify(ledger)).not.toContain('Jane Doe');
  });

  it("'redacted' keeps prompts and answers with PII replaced", async () => {
    const zen = insuredClient(sim, { insurance: { repair: true, captureContent: 'redacted' } });
    await failingCalls(zen);
    const ledger = await records(zen);
    expectNoSecrets(JSON.stringify(ledger));
    const request = ledger.find((record) => record.type === 'request')!;
    expect(request.type === 'request' && JSON.stringify(request.content!.messages)).toContain('[EMAIL]');
  });

  it("'full' keeps the text but never a credential", async () => {
    const zen = insuredClient(sim, { insurance: { repair: true, captureContent: 'full' } });
    await failingCalls(zen);
    const ledger = await records(zen);
    const requests = JSON.stringify(ledger.filter((record) => record.type === 'request'));
    expect(requests).toContain(EMAIL);
    expect(requests).not.toContain(FAKE_KEY);
    // Cases are redacted whatever the capture mode.
    expectNoSecrets(JSON.stringify(ledger.filter((record) => record.type === 'case')));
  });

  it('the same prompt hashes the same, whatever the mode', async () => {
    const hashes: string[] = [];
    for (const captureContent of ['none', 'redacted'] as const) {
      const zen = insuredClient(sim, { insurance: { captureContent } });
      sim.enqueue('gpt-5-mini', { text: 'ok' });
      await zen.chat.completions.create({ model: MINI, messages: [{ role: 'user', content: PROMPT }] });
      const request = (await records(zen)).find((record) => record.type === 'request')!;
      if (request.type === 'request') hashes.push(request.content!.promptHash);
    }
    expect(hashes[0]).toBe(hashes[1]);
  });
});
