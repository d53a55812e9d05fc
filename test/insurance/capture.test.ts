import { describe, expect, it } from 'vitest';
import { loadNobleSha256, nativeSha256, sha256Hex } from '../../src/insurance/capture.js';

const nobleSha256 = await loadNobleSha256();

const texts = [
  '',
  'abc',
  'Summarise the plot of Hamlet in one sentence.',
  'naïve café, 東京, 🦊🦊',
  'a lone surrogate: \ud800 and \udfff',
  'x'.repeat(100_000),
];

describe('prompt and answer hashes', () => {
  it('SHA-256 of the UTF-8 bytes, the published test vector included', () => {
    expect(nobleSha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(nobleSha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it("Node's native hash is used on every supported Node, and agrees with the JavaScript one on every text", () => {
    expect(nativeSha256).toBeTypeOf('function');
    for (const text of texts) expect(nativeSha256!(text)).toBe(nobleSha256(text));
  });

  it('a text of megabytes is hashed in slices to the same hash, surrogate pairs across slice ends included', async () => {
    for (const text of ['x'.repeat(600_000), `${'a'.repeat(262_143)}🦊${'b'.repeat(300_000)}`, '🦊'.repeat(200_000)]) {
      expect(await sha256Hex(text)).toBe(`sha256:${nobleSha256(text)}`);
    }
  });

  it('a value is hashed as its JSON text, a string as itself', async () => {
    const messages = [{ role: 'user', content: 'hi 🦊' }];
    expect(await sha256Hex(messages)).toBe(`sha256:${nobleSha256(JSON.stringify(messages))}`);
    expect(await sha256Hex('abc')).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
