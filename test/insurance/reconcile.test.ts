import { describe, expect, it } from 'vitest';
import { fromNanos, toNanos } from '../../src/core/money.js';
import { ZenError, type RequestRecord, type ZenMetadata } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { chat, FAKE_KEY, insuredClient, MINI, NANO, OPENAI_KEY, records, SONNET, user } from './helpers.js';

const sim = useSimulator();

describe('ledger totals reconcile exactly with the per-call costs', () => {
  it('over successes, streams, failures, hedges, repairs, judges, samples and images', async () => {
    const zen = insuredClient(sim, { insurance: { repair: true, judge: { model: NANO }, limits: { maxTotalMs: 60_000 } } });
    const metas: ZenMetadata[] = [];
    const keep = async (promise: Promise<{ zen: ZenMetadata }>) => metas.push((await promise).zen);
    const keepFailure = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(ZenError.isInstance(error)).toBe(true);
      metas.push((error as ZenError).zen!);
    };

    for (let index = 0; index < 5; index++) {
      sim.enqueue('gpt-5-mini', {
        text: `Answer number ${index} with some words.`,
        usage: { input: 17 + index * 13, output: 9 + index * 7, cachedInput: index },
      });
      await keep(chat(zen, { messages: user(`question ${index} ${FAKE_KEY}`) }, index % 2 === 1));
    }
    // A repair: the bad attempt and the good one are both paid for.
    sim.enqueue('gpt-5-mini', { text: '', usage: { input: 33, output: 3 } });
    sim.enqueue('claude-sonnet-4-5', { text: 'Repaired.', usage: { input: 33, output: 5 } });
    await keep(chat(zen, { model: [MINI, SONNET], messages: user('hi') }, false));
    // A judge and two samples.
    sim.enqueue('gpt-5-mini', { text: 'Paris has 9 million people.' }, { text: 'Paris: 2 million.' }, { text: 'About two million.' });
    sim.enqueue('gpt-5-nano', { json: { claims_checked: 1, unsupported_claims: [{ claim: '9 million', reason: 'says 2.1' }] } });
    await keep(
      chat(
        zen,
        {
          messages: user('Paris?'),
          zen: { insurance: { groundingDocuments: ['Paris has 2.1 million inhabitants.'], consistencySamples: 2 } },
        },
        false,
      ),
    );
    // A failover after a server error, streamed.
    sim.enqueue('gpt-5-mini', { fault: { type: 'http', status: 503 } }, { fault: { type: 'http', status: 503 } });
    sim.enqueue('claude-sonnet-4-5', { text: 'From Claude.' });
    await keep(chat(zen, { model: [MINI, SONNET], messages: user('hi'), zen: { retry: { minDelayMs: 1, maxDelayMs: 2 } } }, true));
    // A hedge: the slow first channel loses and is billed for what it started. It never answers
    // (the simulator stops waiting when the client cancels), so the hedge wins at any load.
    sim.enqueue('gpt-5-mini', { text: 'late', ttftMs: 600_000 });
    sim.enqueue('claude-sonnet-4-5', { text: 'Hedged.' });
    await keep(
      chat(zen, { model: [MINI, SONNET], messages: user('hi'), zen: { hedge: { enabled: true, fallbackDelayMs: 20, maxRate: 1 } } }, false),
    );
    // Failures: every channel down; an invalid request; a stream cut mid-way.
    sim.enqueue('gpt-5-mini', { fault: { type: 'http', status: 500 } }, { fault: { type: 'http', status: 500 } });
    await keepFailure(chat(zen, { messages: user('hi'), zen: { retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 } } }, false));
    sim.enqueue('gpt-5-mini', { fault: { type: 'http', status: 400 } });
    await keepFailure(chat(zen, { messages: user('hi') }, false));
    sim.enqueue('gpt-5-mini', { text: 'one two three four five six', fault: { type: 'cut', afterChunks: 3 } });
    const cut = await zen.chat.completions.create({ model: MINI, messages: user('count'), stream: true, zen: { retry: { retries: 0 } } });
    const streamError = await (async () => {
      for await (const _chunk of cut);
    })().catch((caught: unknown) => caught);
    expect((streamError as ZenError).kind).toBe('stream_interrupted');
    // A stream that fails after its first token reports through `metadata()`, as any stream does.
    metas.push(await cut.metadata());
    // The images face.
    const image = await zen.images.generate({ model: 'openai/gpt-image-1', prompt: 'a lighthouse', n: 1 });
    metas.push(image.zen);

    const ledger = await records(zen);
    const requests = ledger.filter((record): record is RequestRecord => record.type === 'request');
    expect(requests.map((record) => record.requestId)).toEqual(metas.map((meta) => meta.requestId));
    expect(new Set(requests.map((record) => record.face))).toEqual(new Set(['openai-chat', 'openai-images']));
    expect(requests.map((record) => record.outcome).filter((outcome) => outcome !== 'success')).toEqual(['error', 'error', 'error']);

    const attempts = requests.flatMap((record) => record.attempts);
    expect(attempts.filter((attempt) => attempt.outcome === 'hedge_lost' && attempt.cost!.total > 0)).toHaveLength(1);
    expect(attempts.filter((attempt) => attempt.purpose).map((attempt) => attempt.purpose)).toEqual([
      'judge',
      'consistency',
      'consistency',
    ]);

    const callNanos = metas.reduce((sum, meta) => sum + toNanos(meta.cost.total), 0);
    const ledgerNanos = requests.reduce((sum, record) => sum + toNanos(record.cost.total), 0);
    expect(callNanos).toBeGreaterThan(0);
    expect(ledgerNanos).toBe(callNanos);
    for (const [index, record] of requests.entries()) {
      // Each record: its cost is its metadata's, and the sum of its attempts', to the nanodollar.
      expect(record.cost).toEqual(metas[index]!.cost);
      const attempts = record.attempts.reduce((sum, attempt) => sum + toNanos(attempt.cost?.total ?? 0), 0);
      expect(attempts).toBe(toNanos(record.cost.total));
    }
    const totals = await zen.ledger.totals();
    expect(totals.requests).toBe(metas.length);
    expect(totals.costUsd).toBe(fromNanos(callNanos));
    const byDay = await zen.ledger.costByModelByDay();
    expect(byDay.reduce((sum, row) => sum + toNanos(row.costUsd), 0)).toBe(callNanos);
    // Credits reconcile with the claims the calls reported.
    const credited = metas.flatMap((meta) => meta.claims).filter((claim) => claim.status === 'credited');
    expect(toNanos(totals.creditsUsd)).toBe(credited.reduce((sum, claim) => sum + toNanos(claim.amountUsd), 0));
    expect(credited.length).toBeGreaterThan(0);
    // Tokens by type and timings are recorded.
    expect(requests[1]).toMatchObject({
      stream: true,
      ttftMs: expect.any(Number),
      usage: { input: { total: 30, cacheRead: 1 }, output: { total: 16 } },
      finishReason: 'stop',
    });
    // No key anywhere.
    const text = JSON.stringify(ledger);
    expect(text).not.toContain(FAKE_KEY);
    expect(text).not.toContain(OPENAI_KEY);
  });
});
