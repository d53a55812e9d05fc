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
import { detectCards, detectChineseIds, detectEmails, detectIbans, detectIps, detectJwts, detectSecrets, detectSsns } from './structured.js';
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

/** Finds the spans in `text` and replaces each with its type's placeholder. */
export function* redactText(
  text: string,
  settings: RedactSettings,
  libraries: RedactionLibraries,
  phoneBudget: PhoneBudget,
  slice: SliceBudget,
): Generator<void, RedactResult, void> {
  if (text.length === 0 || settings.types.size === 0) return { text, findings: [] };
  const candidates: Candidate[] = [];
  for (let start = 0; start < text.length; start += WINDOW) {
    const end = Math.min(text.length, start + WINDOW);
    redactionWork.windows += 1;
    for (const [type, detector, after] of DETECTORS) {
      if (!settings.types.has(type)) continue;
      const from = Math.max(0, start - BEFORE);
      const to = Math.min(text.length, end + after);
      const window = from === 0 && to === text.length ? text : text.slice(from, to);
      const found = detector === 'phone' ? yield* detectPhones(window, settings.phoneCountries, libraries, phoneBudget, slice) : detector(window, libraries);
      for (const candidate of found) {
        const at = candidate.start + from;
        if (at < start || at >= end || candidate.end <= candidate.start || !settings.types.has(candidate.type)) continue;
        const span: Candidate = { type: candidate.type, start: at, end: candidate.end + from, ...(candidate.byShape ? { byShape: true } : {}) };
        if (!settings.placeholders.has(text.slice(span.start, span.end))) candidates.push(span);
      }
      if (slice.spent()) {
        redactionWork.yields += 1;
        yield;
        slice.restart();
      }
    }
  }
  const findings = yield* resolveOverlaps(candidates, text.length, slice);
  // The output in pieces of bounded size, joined at the end.
  const pieces: string[] = [];
  let parts: string[] = [];
  let cursor = 0;
  for (const finding of findings) {
    parts.push(text.slice(cursor, finding.start), settings.replacements[finding.type]);
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

/** Candidates sorted in runs of this size by the engine, then merged here in slices. */
const SORT_RUN = 4_096;

/** `items` sorted by `compare`: runs sorted natively, merged pairwise with a turn between slices. */
function* sortInSlices<T>(items: T[], compare: (a: T, b: T) => number, slice: SliceBudget): Generator<void, T[], void> {
  if (items.length <= SORT_RUN) return items.sort(compare);
  let runs: T[][] = [];
  for (let start = 0; start < items.length; start += SORT_RUN) {
    runs.push(items.slice(start, start + SORT_RUN).sort(compare));
    if (slice.spent()) {
      redactionWork.yields += 1;
      yield;
      slice.restart();
    }
  }
  while (runs.length > 1) {
    const merged: T[][] = [];
    for (let index = 0; index < runs.length; index += 2) {
      const left = runs[index]!;
      const right = runs[index + 1];
      if (!right) {
        merged.push(left);
        continue;
      }
      const out: T[] = new Array<T>(left.length + right.length);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < left.length && j < right.length) {
        // Stable: on a tie the left run's item goes first.
        out[k++] = compare(right[j]!, left[i]!) < 0 ? right[j++]! : left[i++]!;
        if ((k & 1_023) === 0 && slice.spent()) {
          redactionWork.yields += 1;
          yield;
          slice.restart();
        }
      }
      while (i < left.length) out[k++] = left[i++]!;
      while (j < right.length) out[k++] = right[j++]!;
      merged.push(out);
    }
    runs = merged;
  }
  return runs[0]!;
}

/**
 * Keeps the best span where spans overlap: higher priority first, then the longer one, then the
 * earlier one. Taken characters are marked in a bitmap, so each span is checked in time of its
 * own length: linear in the spans, however many.
 */
function* resolveOverlaps(candidates: Candidate[], length: number, slice: SliceBudget): Generator<void, PiiFinding[], void> {
  if (candidates.length === 0) return [];
  const rank = (candidate: Candidate): number => (candidate.byShape ? 0 : PRIORITY[candidate.type]);
  const ranked = yield* sortInSlices(candidates, (a, b) => rank(b) - rank(a) || b.end - b.start - (a.end - a.start) || a.start - b.start, slice);
  const taken = new Uint8Array(length);
  const kept: PiiFinding[] = [];
  for (let index = 0; index < ranked.length; index += 1) {
    const candidate = ranked[index]!;
    let free = true;
    for (let at = candidate.start; at < candidate.end; at += 1) {
      if (taken[at]) {
        free = false;
        break;
      }
    }
    if (free) {
      taken.fill(1, candidate.start, candidate.end);
      kept.push({ type: candidate.type, start: candidate.start, end: candidate.end });
    }
    if ((index & 1_023) === 0 && slice.spent()) {
      redactionWork.yields += 1;
      yield;
      slice.restart();
    }
  }
  return yield* sortInSlices(kept, (a, b) => a.start - b.start, slice);
}
