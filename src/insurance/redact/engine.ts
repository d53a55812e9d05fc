/**
 * The redaction pass over one text, in bounded steps. The text is read in windows of WINDOW
 * characters; each detector sees a window with some text before it (for lookbehinds and the
 * words before a number) and after it (so that a span starting in the window is whole), and keeps
 * the spans that start in the window. Every detector's regex has a bounded length, so a window's
 * work is bounded and the whole pass is linear in the text; the generator yields between detector
 * runs whenever the slice's time is spent, so a caller can give the event loop a turn.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import type { SliceBudget } from '../../core/slices.js';
import { detectAddresses } from './address.js';
import type { RedactionLibraries } from './libraries.js';
import { detectNames } from './names.js';
import { detectPhones, type PhoneBudget } from './phone.js';
import {
  detectCards,
  detectChineseIds,
  detectEmails,
  detectIbans,
  detectIps,
  detectJwts,
  detectSecrets,
  detectSsns,
} from './structured.js';
import type { Candidate, Detector, PiiFinding, PiiType } from './types.js';

/** Characters of text each window reports spans for. */
const WINDOW = 8_192;
/** Text before a window a detector also reads: lookbehinds, the phone word before a number. */
const BEFORE = 1_024;
/** Text after a window: at least the longest span of the detector. */
const AFTER_SHORT = 1_024;
/** JWTs (up to ~24,600 characters), PEM keys (~10,000) and bearer tokens (~4,100) are longer. */
const AFTER_LONG = 25_000;

/**
 * When spans overlap, the higher type wins: a JWT in a `Bearer` header is a `jwt`, an IPv4 tail of
 * an IPv6 address is part of the `ip`, a card-shaped Chinese id is a `cn_id`.
 */
const PRIORITY: Record<PiiType, number> = {
  jwt: 11,
  secret: 10,
  email: 9,
  iban: 8,
  cn_id: 7,
  card: 6,
  ssn: 5,
  ip: 4,
  phone: 3,
  address: 2,
  name: 1,
};

/** Detectors in the order they run, with how far past a window their spans may reach. */
const DETECTORS: ReadonlyArray<[PiiType, Detector | 'phone', number]> = [
  ['jwt', detectJwts, AFTER_LONG],
  ['secret', detectSecrets, AFTER_LONG],
  ['email', detectEmails, AFTER_SHORT],
  ['iban', detectIbans, AFTER_SHORT],
  ['cn_id', detectChineseIds, AFTER_SHORT],
  ['card', detectCards, AFTER_SHORT],
  ['ssn', detectSsns, AFTER_SHORT],
  ['ip', detectIps, AFTER_SHORT],
  ['phone', 'phone', AFTER_SHORT],
  ['address', detectAddresses, AFTER_SHORT],
  ['name', detectNames, AFTER_SHORT],
];

/** What redaction did so far, for tests and benches: work done, not time. */
export const redactionWork = {
  /** Windows read (a window is WINDOW characters, each detector over it once). */
  windows: 0,
  /** Slices given up for a turn of the event loop. */
  yields: 0,
};

export interface RedactSettings {
  types: ReadonlySet<PiiType>;
  replacements: Readonly<Record<PiiType, string>>;
  /** Placeholders of an earlier pass, not found again ("postgres://u:[SECRET]@host"). */
  placeholders: ReadonlySet<string>;
  phoneCountries?: readonly CountryCode[];
}

export interface RedactResult {
  text: string;
  /** The replaced spans, in order, with offsets into the original text. */
  findings: PiiFinding[];
}

const TYPES: readonly PiiType[] = ['email', 'phone', 'card', 'iban', 'ip', 'secret', 'jwt', 'ssn', 'cn_id', 'address', 'name'];
const TYPE_INDEX = new Map(TYPES.map((type, index) => [type, index]));

/**
 * The candidate spans of one text, in typed arrays rather than an object each: a 2 MB number table
 * proposes over 100,000 spans, which as objects live long enough to make every young-generation
 * GC copy them (tens of milliseconds on the loop).
 */
class Spans {
  length = 0;
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  /** Priority (0 for a number taken by shape), then type index, in one byte each. */
  ranks = new Uint8Array(256);
  types = new Uint8Array(256);

  push(type: PiiType, start: number, end: number, byShape: boolean): void {
    if (this.length === this.starts.length) {
      const grow = <T extends Int32Array | Uint8Array>(array: T): T => {
        const larger = new (array.constructor as new (length: number) => T)(array.length * 2);
        larger.set(array);
        return larger;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.ranks = grow(this.ranks);
      this.types = grow(this.types);
    }
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.ranks[this.length] = byShape ? 0 : PRIORITY[type];
    this.types[this.length] = TYPE_INDEX.get(type)!;
    this.length += 1;
  }
}

/** Finds the spans in `text` and replaces each with its type's placeholder. */
export function* redactText(
  text: string,
  settings: RedactSettings,
  libraries: RedactionLibraries,
  phoneBudget: PhoneBudget,
  slice: SliceBudget,
): Generator<void, RedactResult, void> {
  if (text.length === 0 || settings.types.size === 0) return { text, findings: [] };
  const spans = new Spans();
  for (let start = 0; start < text.length; start += WINDOW) {
    const end = Math.min(text.length, start + WINDOW);
    redactionWork.windows += 1;
    for (const [type, detector, after] of DETECTORS) {
      if (!settings.types.has(type)) continue;
      const from = Math.max(0, start - BEFORE);
      const to = Math.min(text.length, end + after);
      const window = from === 0 && to === text.length ? text : text.slice(from, to);
      const found: Candidate[] =
        detector === 'phone'
          ? yield* detectPhones(window, settings.phoneCountries, libraries, phoneBudget, slice)
          : detector(window, libraries);
      for (const candidate of found) {
        const at = candidate.start + from;
        const until = candidate.end + from;
        if (at < start || at >= end || until <= at || !settings.types.has(candidate.type)) continue;
        if (!settings.placeholders.has(text.slice(at, until))) spans.push(candidate.type, at, until, candidate.byShape === true);
      }
      if (slice.spent()) {
        redactionWork.yields += 1;
        yield;
        slice.restart();
      }
    }
  }
  const kept = yield* resolveOverlaps(spans, text.length, slice);
  // The output in pieces of bounded size, joined at the end.
  const findings: PiiFinding[] = new Array<PiiFinding>(kept.length);
  const pieces: string[] = [];
  let parts: string[] = [];
  let cursor = 0;
  for (let index = 0; index < kept.length; index += 1) {
    const span = kept[index]!;
    const type = TYPES[spans.types[span]!]!;
    const finding = { type, start: spans.starts[span]!, end: spans.ends[span]! };
    findings[index] = finding;
    parts.push(text.slice(cursor, finding.start), settings.replacements[type]);
    cursor = finding.end;
    if (parts.length >= 4_096) {
      pieces.push(parts.join(''));
      parts = [];
      if (slice.spent()) {
        redactionWork.yields += 1;
        yield;
        slice.restart();
      }
    }
  }
  parts.push(text.slice(cursor));
  pieces.push(parts.join(''));
  return { text: pieces.join(''), findings };
}

/** Spans sorted in runs of this size natively, then merged in slices. */
const SORT_RUN = 4_096;

/** `items` sorted by `compare`: runs sorted natively, merged pairwise with a turn between slices. */
function* sortInSlices(
  items: Int32Array,
  compare: (a: number, b: number) => number,
  slice: SliceBudget,
): Generator<void, Int32Array, void> {
  if (items.length <= SORT_RUN) return items.sort(compare);
  for (let start = 0; start < items.length; start += SORT_RUN) {
    items.subarray(start, start + SORT_RUN).sort(compare);
    if (slice.spent()) {
      redactionWork.yields += 1;
      yield;
      slice.restart();
    }
  }
  let from: Int32Array = items;
  let to: Int32Array = new Int32Array(items.length);
  for (let width = SORT_RUN; width < items.length; width *= 2) {
    for (let left = 0; left < items.length; left += 2 * width) {
      const middle = Math.min(left + width, items.length);
      const right = Math.min(left + 2 * width, items.length);
      let i = left;
      let j = middle;
      let k = left;
      while (i < middle && j < right) {
        // Stable: on a tie the left run's item goes first.
        to[k++] = compare(from[j]!, from[i]!) < 0 ? from[j++]! : from[i++]!;
        if ((k & 1_023) === 0 && slice.spent()) {
          redactionWork.yields += 1;
          yield;
          slice.restart();
        }
      }
      while (i < middle) to[k++] = from[i++]!;
      while (j < right) to[k++] = from[j++]!;
    }
    [from, to] = [to, from];
  }
  return from;
}

/**
 * Keeps the best span where spans overlap: higher priority first, then the longer one, then the
 * earlier one. Taken characters are marked in a bitmap, so each span is checked in time of its
 * own length: linear in the spans, however many. Returns the kept spans' indices by start.
 */
function* resolveOverlaps(spans: Spans, length: number, slice: SliceBudget): Generator<void, Int32Array, void> {
  if (spans.length === 0) return new Int32Array(0);
  const { starts, ends, ranks } = spans;
  const order = new Int32Array(spans.length);
  for (let index = 0; index < order.length; index += 1) order[index] = index;
  const ranked = yield* sortInSlices(
    order,
    (a, b) => ranks[b]! - ranks[a]! || ends[b]! - starts[b]! - (ends[a]! - starts[a]!) || starts[a]! - starts[b]!,
    slice,
  );
  const taken = new Uint8Array(length);
  const kept = new Int32Array(ranked.length);
  let count = 0;
  for (let index = 0; index < ranked.length; index += 1) {
    const span = ranked[index]!;
    const start = starts[span]!;
    const end = ends[span]!;
    let free = true;
    for (let at = start; at < end; at += 1) {
      if (taken[at]) {
        free = false;
        break;
      }
    }
    if (free) {
      taken.fill(1, start, end);
      kept[count++] = span;
    }
    if ((index & 1_023) === 0 && slice.spent()) {
      redactionWork.yields += 1;
      yield;
      slice.restart();
    }
  }
  return yield* sortInSlices(kept.slice(0, count), (a, b) => starts[a]! - starts[b]!, slice);
}
