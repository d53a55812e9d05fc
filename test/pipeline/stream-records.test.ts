import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EvalsLine, LedgerRecord, ZenClient, ZenMetadata } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { ch, FLASH, HAIKU, MINI, UP, zenClient } from '../policy/execution-helpers.js';

/**
 * Deadlines and records hold for every stream: one nobody reads still times out, resolves its
 * metadata and writes its record; one read to its end is in the ledger for the very next flush,
 * feedback, balance or export, whatever the face. No test awaits `metadata()` before looking.
 * Time is the fake timers' (the simulator answers at once or stalls; nothing waits on the clock).
 */

const sim = useSimulator();
const messages = [{ role: 'user' as const, content: 'Count slowly.' }];

afterEach(() => {
  vi.useRealTimers();
});

/** `promise`'s value once it settles within `ms` of fake time, else undefined (the promise never settled). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let value: T | undefined;
  let settled = false;
  void promise.then((result) => {
    value = result;
    settled = true;
  });
  for (let waited = 0; waited < ms && !settled; waited += 100) await vi.advanceTimersByTimeAsync(100);
  return value;
}

async function ledger(zen: ZenClient): Promise<LedgerRecord[]> {
  const out: LedgerRecord[] = [];
  for await (const record of zen.ledger.query()) out.push(record);
  return out;
}

describe('a stream the caller neither reads nor aborts', () => {
  it('still obeys idleMs: the provider going silent ends it, its metadata resolves and its record is written', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const zen = zenClient(sim);
    sim.enqueue(UP[MINI], { text: 'one two three four five', fault: { type: 'stall', afterChunks: 3 } });
    const stream = await zen.chat.completions.create({ model: MINI, messages, stream: true, zen: { timeouts: { idleMs: 5_000 } } });
    expect(stream.zen.channel).toBe(ch(MINI)); // committed: past its first token
    const metadata = await within(stream.metadata(), 20_000);
    expect(metadata, 'the metadata of an unread stream never resolved').toBeDefined();
    expect(metadata!.attempts.map((attempt) => [attempt.outcome, attempt.errorKind])).toEqual([['error', 'timeout']]);
    expect(metadata!.attempts[0]!.message).toContain('silent for more than 5000 ms');
    await zen.flush();
    expect((await ledger(zen)).filter((record) => record.type === 'request')).toEqual([
      expect.objectContaining({ requestId: metadata!.requestId, stream: true, outcome: 'error', errorKind: 'timeout' }),
    ]);
  });

  it('still obeys totalMs: the deadline ends it, its metadata resolves and its record is written', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const zen = zenClient(sim);
    sim.enqueue(UP[MINI], { text: 'one two three four five', fault: { type: 'stall', afterChunks: 3 } });
    const stream = await zen.chat.completions.create({ model: MINI, messages, stream: true, zen: { timeouts: { totalMs: 3_000 } } });
    const metadata = await within(stream.metadata(), 20_000);
    expect(metadata, 'the metadata of an unread stream never resolved').toBeDefined();
    expect(metadata!.attempts.map((attempt) => [attempt.outcome, attempt.errorKind])).toEqual([['error', 'timeout']]);
    expect(metadata!.attempts[0]!.message).toContain('total deadline of 3000 ms');
    await zen.flush();
    expect((await ledger(zen)).find((record) => record.type === 'request')).toMatchObject({
      requestId: metadata!.requestId,
      outcome: 'error',
      errorKind: 'timeout',
    });
    // Read after the fact, it gives the parts that came, then the timeout.
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((caught: unknown) => caught);
    expect(text.length).toBeGreaterThan(0);
    expect(error).toMatchObject({ kind: 'timeout' });
  });

  it('that ends normally upstream is recorded as a success without being read', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const zen = zenClient(sim);
    sim.enqueue(UP[MINI], { text: 'one two three' });
    const stream = await zen.chat.completions.create({ model: MINI, messages, stream: true });
    const metadata = await within(stream.metadata(), 20_000);
    expect(metadata?.attempts.map((attempt) => attempt.outcome)).toEqual(['success']);
    expect(metadata!.usage.output.total).toBeGreaterThan(0);
    await zen.flush();
    expect((await ledger(zen)).find((record) => record.type === 'request')).toMatchObject({
      requestId: metadata!.requestId,
      outcome: 'success',
    });
    // The parts are all still there for a late reader.
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('one two three');
  });
});

type Face = 'openai-chat' | 'anthropic-messages' | 'gemini-generate';

/** Reads a streamed call of `face` to its end, without awaiting its metadata; returns its request id. */
async function readToEnd(zen: ZenClient, face: Face): Promise<string> {
  if (face === 'openai-chat') {
    const stream = await zen.chat.completions.create({ model: MINI, messages, stream: true });
    for await (const _chunk of stream);
    return stream.zen.requestId;
  }
  if (face === 'anthropic-messages') {
    const stream = await zen.messages.create({ model: HAIKU, max_tokens: 100, messages, stream: true });
    for await (const _event of stream);
    return stream.zen.requestId;
  }
  const stream = await zen.models.generateContentStream({ model: FLASH, contents: 'Count slowly.' });
  for await (const _chunk of stream);
  return stream.zen.requestId;
}

const UPSTREAM: Record<Face, string> = { 'openai-chat': UP[MINI], 'anthropic-messages': UP[HAIKU], 'gemini-generate': UP[FLASH] };

describe.each<Face>(['openai-chat', 'anthropic-messages', 'gemini-generate'])('a stream read to its end (%s)', (face) => {
  // An empty answer: empty_answer is covered, so the call has a claim, a credit and a case.
  const emptyAnswer = () => sim.enqueue(UPSTREAM[face], { text: '', usage: { input: 40, output: 0 } });

  it('is in the ledger at the next zen.flush(), claim and credit included', async () => {
    const zen = zenClient(sim);
    emptyAnswer();
    const requestId = await readToEnd(zen, face);
    await zen.flush();
    const records = (await ledger(zen)).filter((record) => record.requestId === requestId);
    expect(records.map((record) => record.type).sort()).toEqual(['case', 'claim', 'credit', 'event', 'request']);
    expect(records.find((record) => record.type === 'request')).toMatchObject({ face, stream: true, outcome: 'success' });
  });

  it('takes feedback at once', async () => {
    const zen = zenClient(sim);
    emptyAnswer();
    const requestId = await readToEnd(zen, face);
    const result = await zen.feedback(requestId, { rating: 'bad', comment: 'too short' });
    expect(result.event).toMatchObject({ requestId, kind: 'user_feedback' });
  });

  it('counts in balance() at once', async () => {
    const zen = zenClient(sim);
    emptyAnswer();
    await readToEnd(zen, face);
    expect(await zen.balance()).toBeGreaterThan(0);
  });

  it('is in exportCases() at once', async () => {
    const zen = zenClient(sim);
    emptyAnswer();
    const requestId = await readToEnd(zen, face);
    const lines: EvalsLine[] = [];
    for await (const line of zen.exportCases({ format: 'evals' })) lines.push(JSON.parse(line) as EvalsLine);
    expect(JSON.stringify(lines)).toContain(requestId);
  });
});

describe('metadata of a stream read to its end', () => {
  it('is complete when awaited, and the same record the ledger got', async () => {
    const zen = zenClient(sim);
    sim.enqueue(UP[MINI], { text: 'a b c' });
    const stream = await zen.chat.completions.create({ model: MINI, messages, stream: true });
    for await (const _chunk of stream);
    const metadata: ZenMetadata = await stream.metadata();
    await zen.flush();
    const request = (await ledger(zen)).find((record) => record.type === 'request');
    expect(request).toMatchObject({ requestId: metadata.requestId, cost: metadata.cost, usage: metadata.usage });
    expect(stream.zen).toBe(metadata);
  });
});
