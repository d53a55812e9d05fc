/**
 * A prompt's token count without a tokenizer: one pass over the text, no vocabulary loaded.
 *
 * Routing needs a prompt's size for three things: the context-window check, price tiers and the
 * cost estimate. Loading gpt-tokenizer's o200k encoding costs ~150–300 ms and ~20 MB of heap, and
 * counting is superlinear on long words (one 1 MB word took minutes), so the router works from
 * this estimate and counts exactly only when the estimate's bounds leave a decision open (see
 * ./token-count.ts and ./token-bounds.ts).
 *
 * Three figures per text:
 * - `high`: the UTF-8 byte length. Every o200k token covers at least one byte, so the count is
 *   never above it.
 * - `low`: a count of pieces the o200k pre-tokenizer must make. Maximal runs of characters other
 *   than ASCII whitespace and ASCII punctuation (the apostrophe excepted) that hold an ASCII letter
 *   or digit each hold the start of a distinct piece (no o200k piece holds a letter or digit and
 *   then crosses such a separator), a run of ASCII digits alone makes ⌈n/3⌉ pieces, and every token
 *   with a non-ASCII byte is at most 61 bytes long. Each piece is at least one token.
 * - `estimate`: what the count usually is, from per-piece averages measured against o200k on
 *   English prose and code (RouterBench prompts and answers: within a few percent), with coarser
 *   per-character rates for other scripts.
 */

export interface TokenEstimate {
  /** The usual count: for cost estimates. */
  estimate: number;
  /** The count is at least this. */
  low: number;
  /** The count is at most this. */
  high: number;
}

/** The longest o200k token that holds a non-ASCII byte, in bytes. */
const MAX_NON_ASCII_TOKEN_BYTES = 61;

/**
 * Measured o200k tokens of an ASCII word by its length (column = letters, 0–14), after a space,
 * after a single punctuation mark (`.method`, `(value`), and after anything else (a line start, a
 * digit), one row each.
 */
const PREFIX_SPACE = 0;
const PREFIX_MARK = 1;
const PREFIX_NONE = 2;
const WORD_COLUMNS = 15;
const WORD_TOKENS = Float64Array.from(
  [
    [0, 1, 1, 1, 1, 1, 1.02, 1.04, 1.16, 1.06, 1.17, 1.11, 1.04, 1.2, 1.15],
    [0, 1, 1.09, 1.15, 1.28, 1.38, 1.49, 1.42, 1.9, 1.91, 1.73, 2.35, 2.15, 3.13, 3.27],
    [0, 1, 1, 1.04, 1.05, 1.06, 1.14, 1.74, 1.73, 1.7, 1.95, 1.83, 2.15, 2.2, 2.3],
  ].flat(),
);
/** Longer runs of letters (identifiers, base64, one repeated letter): about four letters a token. */
const LETTERS_PER_TOKEN_BEYOND_TABLE = 4;
/** Other alphabetic scripts (accented Latin, Cyrillic, Greek, Arabic, Indic): tokens per character. */
const NON_ASCII_LETTER_TOKENS = 0.45;
/** Chinese, Japanese and Korean: tokens per character. */
const CJK_TOKENS = 1;
/** Characters outside the Basic Multilingual Plane (emoji, rare Han): tokens per character. */
const ASTRAL_TOKENS = 2;

// Kinds of ASCII characters.
const LETTER = 0;
const DIGIT = 1;
const SPACE = 2;
const NEWLINE = 3;
const PUNCT = 4;
const APOSTROPHE = 5;
const NON_ASCII = 6;

const ASCII_KIND = new Uint8Array(128);
for (let code = 0; code < 128; code += 1) {
  const char = String.fromCharCode(code);
  ASCII_KIND[code] = /[A-Za-z]/.test(char)
    ? LETTER
    : /[0-9]/.test(char)
      ? DIGIT
      : char === '\n' || char === '\r'
        ? NEWLINE
        : /\s/.test(char)
          ? SPACE
          : char === "'"
            ? APOSTROPHE
            : PUNCT;
}

function wordTokens(letters: number, prefix: number): number {
  if (letters < WORD_COLUMNS) return WORD_TOKENS[prefix * WORD_COLUMNS + letters]!;
  const last = WORD_COLUMNS - 1;
  return WORD_TOKENS[prefix * WORD_COLUMNS + last]! + (letters - last) / LETTERS_PER_TOKEN_BEYOND_TABLE;
}

function punctTokens(length: number): number {
  return length <= 2 ? 1 : length === 3 ? 1.65 : 0.5 * length + 0.1;
}

function nonAsciiTokens(code: number): number {
  const cjk =
    (code >= 0x4e00 && code <= 0x9fff) || // CJK unified ideographs
    (code >= 0x3040 && code <= 0x30ff) || // kana
    (code >= 0x3400 && code <= 0x4dbf) || // extension A
    (code >= 0xac00 && code <= 0xd7af) || // Hangul syllables
    (code >= 0xf900 && code <= 0xfaff); // compatibility ideographs
  return cjk ? CJK_TOKENS : code < 0x2000 ? NON_ASCII_LETTER_TOKENS : 1;
}

/**
 * Estimates a text fed in consecutive parts (so that a long text can be estimated in slices):
 * `feed` each range in order, then `finish`. Linear, no allocation.
 */
export class TokenEstimator {
  private estimate = 0;
  private low = 0;
  private bytes = 0;
  private nonAsciiBytes = 0;
  // The current run between ASCII separators (for `low`): its length, whether it holds an ASCII
  // letter or digit, whether it is all ASCII digits.
  private runLength = 0;
  private runHasAlnum = false;
  private runAllDigits = true;
  // The current piece (for `estimate`).
  private letters = 0;
  private prefix = PREFIX_NONE;
  private digits = 0;
  private punct = 0;
  private spaces = 0;
  private previous = SPACE;
  private previousCode = 32;

  feed(text: string, start = 0, end = text.length): void {
    // Locals for the loop: fields read and written on every character cost more.
    let {
      estimate,
      low,
      bytes,
      nonAsciiBytes,
      runLength,
      runHasAlnum,
      runAllDigits,
      letters,
      prefix,
      digits,
      punct,
      spaces,
      previous,
      previousCode,
    } = this;
    for (let index = start; index < end; index += 1) {
      const code = text.charCodeAt(index);
      const kind = code < 128 ? ASCII_KIND[code]! : NON_ASCII;
      if (kind !== previous) {
        // A piece of the previous kind ends here.
        if (letters > 0) {
          estimate += wordTokens(letters, prefix);
          letters = 0;
        }
        if (digits > 0) {
          estimate += Math.ceil(digits / 3);
          digits = 0;
        }
        if (punct > 0) {
          // A single mark right before a word goes with the word.
          if (!(punct === 1 && kind === LETTER)) estimate += punctTokens(punct);
          punct = 0;
        }
        if (spaces > 0) {
          // One space goes with the word or mark after it; the rest make one piece.
          if (spaces > 1 || kind === DIGIT || kind === NEWLINE) estimate += 1;
          spaces = 0;
        }
        if (kind === LETTER)
          prefix =
            previous === SPACE
              ? PREFIX_SPACE
              : previous === PUNCT && previousCode !== 39 && punctWasSingle(text, index)
                ? PREFIX_MARK
                : PREFIX_NONE;
      }
      switch (kind) {
        case LETTER:
          bytes += 1;
          // o200k starts a new piece where a lowercase letter meets a capital ("parseInt").
          if (code <= 90 && previousCode >= 97 && letters > 0) {
            estimate += wordTokens(letters, prefix);
            letters = 0;
            prefix = PREFIX_NONE;
          }
          letters += 1;
          runHasAlnum = true;
          runAllDigits = false;
          runLength += 1;
          break;
        case DIGIT:
          bytes += 1;
          digits += 1;
          runHasAlnum = true;
          runLength += 1;
          break;
        case SPACE:
        case NEWLINE:
          bytes += 1;
          if (kind === SPACE) spaces += 1;
          else if (previous !== NEWLINE) estimate += 1;
          if (runLength > 0) {
            if (runHasAlnum) low += runAllDigits ? Math.ceil(runLength / 3) : 1;
            runLength = 0;
            runHasAlnum = false;
            runAllDigits = true;
          }
          break;
        case APOSTROPHE:
          // Contractions ("it's") stay in their word's run.
          bytes += 1;
          runAllDigits = false;
          runLength += 1;
          break;
        case PUNCT:
          bytes += 1;
          punct += 1;
          if (runLength > 0) {
            if (runHasAlnum) low += runAllDigits ? Math.ceil(runLength / 3) : 1;
            runLength = 0;
            runHasAlnum = false;
            runAllDigits = true;
          }
          break;
        default: {
          runAllDigits = false;
          runLength += 1;
          if (code >= 0xd800 && code <= 0xdbff) {
            // A surrogate pair is one character of four bytes; its low half adds nothing more.
            bytes += 4;
            nonAsciiBytes += 4;
            estimate += ASTRAL_TOKENS;
          } else if (code < 0xdc00 || code > 0xdfff) {
            const width = code < 0x800 ? 2 : 3;
            bytes += width;
            nonAsciiBytes += width;
            estimate += nonAsciiTokens(code);
          }
        }
      }
      previous = kind;
      previousCode = code;
    }
    Object.assign(this, {
      estimate,
      low,
      bytes,
      nonAsciiBytes,
      runLength,
      runHasAlnum,
      runAllDigits,
      letters,
      prefix,
      digits,
      punct,
      spaces,
      previous,
      previousCode,
    });
  }

  finish(): TokenEstimate {
    let { estimate, low } = this;
    if (this.letters > 0) estimate += wordTokens(this.letters, this.prefix);
    if (this.digits > 0) estimate += Math.ceil(this.digits / 3);
    if (this.punct > 0) estimate += punctTokens(this.punct);
    if (this.spaces > 0) estimate += 1;
    if (this.runLength > 0 && this.runHasAlnum) low += this.runAllDigits ? Math.ceil(this.runLength / 3) : 1;
    low = Math.max(low, Math.ceil(this.nonAsciiBytes / MAX_NON_ASCII_TOKEN_BYTES));
    return { estimate: Math.min(this.bytes, Math.max(low, Math.round(estimate))), low, high: this.bytes };
  }
}

/** A mark is a word's prefix only when it stands alone: the character before it is no mark. */
function punctWasSingle(text: string, index: number): boolean {
  const before = index >= 2 ? text.charCodeAt(index - 2) : 32;
  return !(before < 128 && ASCII_KIND[before] === PUNCT);
}

/** One pass over `text`: the estimate and its bounds. */
export function estimateTextTokens(text: string): TokenEstimate {
  const estimator = new TokenEstimator();
  estimator.feed(text);
  return estimator.finish();
}
