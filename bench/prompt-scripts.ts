/**
 * Large prompts of different scripts for the event-loop bench: each is the kind of text that
 * made a synchronous step slow (one endless word, Chinese without spaces, logs full of personal
 * data, numbers a phone matcher chews on) or is simply unlike the others (random code points).
 * Deterministic: a seeded generator, so runs compare.
 */

export const PROMPT_SCRIPTS = ['repeated-letter', 'chinese', 'log-like', 'number-heavy', 'random'] as const;
export type PromptScript = (typeof PROMPT_SCRIPTS)[number];

/** xorshift32: small, fast and seeded. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

const utf8 = new TextEncoder();

/** A prompt of about `bytes` UTF-8 bytes (never fewer) written in `script`. */
export function promptOf(script: PromptScript, bytes: number, seed = 7): string {
  const random = generator(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const digits = (count: number) => Array.from({ length: count }, () => Math.floor(random() * 10)).join('');
  const parts: string[] = [];
  let size = 0;
  const push = (text: string) => {
    parts.push(text);
    size += utf8.encode(text).length;
  };
  while (size < bytes) {
    switch (script) {
      case 'repeated-letter':
        push('a'.repeat(Math.min(65_536, bytes - size)));
        break;
      case 'chinese': {
        // Common Han characters with an occasional full-width comma or stop, as running text.
        let sentence = '';
        const length = 20 + Math.floor(random() * 60);
        for (let index = 0; index < length; index += 1) sentence += String.fromCharCode(0x4e00 + Math.floor(random() * 0x1400));
        push(sentence + pick(['，', '。', '', '']));
        break;
      }
      case 'log-like': {
        const user = pick(['john.doe', 'maria.garcia', 'li.wei', 'a.kumar', 'ops']);
        push(
          `2025-03-${10 + Math.floor(random() * 18)}T${digits(2)}:${digits(2)}:${digits(2)}.${digits(3)}Z ${pick(['INFO', 'WARN', 'ERROR', 'DEBUG'])} ` +
            `[worker-${Math.floor(random() * 16)}] req=${digits(8)} user=${user}@example.com ip=10.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}.${Math.floor(random() * 255)} ` +
            `path=/api/v2/orders/${digits(6)} status=${pick([200, 201, 404, 500])} took=${digits(3)}ms ua="Mozilla/5.0 (X11; Linux x86_64)" phone=+1 415 555 ${digits(4)}\n`,
        );
        break;
      }
      case 'number-heavy': {
        // Runs of digits with the separators phone numbers are written with, as in tables and dumps.
        const separator = pick([' ', '-', '.', ' ', '/', '']);
        push(`${digits(3)}${separator}${digits(3)}${separator}${digits(4)}${pick([' ', ', ', '\n', ' (', ') ', ' '])}`);
        break;
      }
      case 'random': {
        // Code points from several blocks: ASCII, Latin-1, Cyrillic, Arabic, Han, emoji.
        let chunk = '';
        for (let index = 0; index < 256; index += 1) {
          const block = pick([
            [0x21, 0x7e],
            [0xa1, 0xff],
            [0x400, 0x4ff],
            [0x600, 0x6ff],
            [0x4e00, 0x9fff],
            [0x1f300, 0x1f5ff],
            [0x20, 0x20],
          ] as const);
          chunk += String.fromCodePoint(block[0] + Math.floor(random() * (block[1] - block[0] + 1)));
        }
        push(chunk);
        break;
      }
    }
  }
  return parts.join('');
}
