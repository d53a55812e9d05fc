import { describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../src/core/request.js';
import type { GenerationResult } from '../../src/core/result.js';
import { RecentCalls } from '../../src/insurance/recent-calls.js';

const call = (requestId: string, prompt: string) => ({
  requestId,
  request: { messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }] } as GenerationRequest,
  answer: { content: [{ type: 'text', text: 'ok' }] } as unknown as GenerationResult,
});

describe('RecentCalls (the calls kept for feedback)', () => {
  it('keeps the last `window` calls, oldest out first', () => {
    const recent = new RecentCalls(3);
    for (const id of ['a', 'b', 'c', 'd']) recent.add(call(id, 'hi'));
    expect(recent.get('a')).toBeUndefined();
    expect(['b', 'c', 'd'].map((id) => recent.get(id)?.requestId)).toEqual(['b', 'c', 'd']);
  });

  it('is bounded in bytes too: 256 calls of 100 KB prompts do not all stay, a call over the bound is not kept', () => {
    const recent = new RecentCalls(256, 4 * 1024 * 1024);
    for (let index = 0; index < 256; index += 1) recent.add(call(`r${index}`, 'x'.repeat(100_000)));
    expect(recent.size.bytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(recent.size.calls).toBeLessThan(256);
    expect(recent.get('r255')).toBeDefined();
    expect(recent.get('r0')).toBeUndefined();
    recent.add(call('huge', 'x'.repeat(3_000_000)));
    expect(recent.get('huge')).toBeUndefined();
    expect(recent.get('r255')).toBeDefined();
  });

  it('a window of 0 keeps nothing', () => {
    const recent = new RecentCalls(0);
    recent.add(call('a', 'hi'));
    expect(recent.size.calls).toBe(0);
  });
});
