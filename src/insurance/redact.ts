/**
 * Redaction of personal data and secrets in captured cases, before they are exported for
 * fine-tuning.
 *
 * How it works: each detector proposes spans with a bounded regex and keeps only those that pass
 * a validator (validator's isCreditCard and isLuhnNumber for cards, isIBAN for the country format
 * and mod-97, isIP for IPv4 and IPv6, isEmail for addresses; the SSA rules for SSNs, ISO 7064
 * MOD 11-2 and a real birth date for Chinese ids, a JSON header for JWTs, Google's libphonenumber
 * metadata for phones). Overlapping spans go to the more specific type; the text outside the spans
 * is left byte for byte.
 *
 * Library choice (judged on the npm registry):
 * - libphonenumber-js (MIT, typed, no dependencies, published monthly, ESM, runs in browsers):
 *   phone numbers are the part a hand-written regex gets wrong: every country's ranges and
 *   formats come from Google's metadata; we use the `max` set so
 *   `isValid()` checks real ranges (the `min` set accepted order numbers and SSNs as Chinese
 *   numbers in our measurements).
 * - PII packages were rejected: redact-pii (last release 2024, pulls @google-cloud/dlp and lodash);
 *   @redactpii/node (naive regexes: no Luhn, a phone pattern that matches any 7-letter word);
 *   openredaction (3.7 MB, async API, its main entry imports node:fs and worker_threads, so not
 *   runtime-agnostic); none validates checksums as required here.
 * - validator (MIT, typed through @types/validator, maintained): the card, IBAN, IP and e-mail
 *   checks, imported one function file at a time (./redact/validator.ts) so the rest of the
 *   package is not loaded. Its card table lacks Maestro, Mir and the 17–19 digit UnionPay, JCB
 *   and Diners numbers, which ./redact/structured.ts adds on its isLuhnNumber; its isJWT only checks
 *   three base64url segments, which the JWT regex already does, so JWTs are confirmed by their
 *   header instead. Chinese ids use its isIdentityCard('zh-CN'); it has no US SSN rule, which
 *   stays a few lines in ./redact/structured.ts.
 * - Addresses and names have no maintained, runtime-agnostic, small library that finds them in
 *   free text (compromise can tag people, but its bundle is ~360 KB minified, English only, and
 *   it would be another dependency); they are best-effort rules tuned for precision.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { detectAddresses } from './redact/address.js';
import { detectNames } from './redact/names.js';
import { detectPhones } from './redact/phone.js';
import {
  detectCards,
  detectChineseIds,
  detectEmails,
  detectIbans,
  detectIps,
  detectJwts,
  detectSecrets,
  detectSsns,
} from './redact/structured.js';
import type { Candidate, PiiFinding, PiiType } from './redact/types.js';

export type { PiiFinding, PiiType } from './redact/types.js';

export const PII_TYPES: readonly PiiType[] = [
  'email',
  'phone',
  'card',
  'iban',
  'ip',
  'secret',
  'jwt',
  'ssn',
  'cn_id',
  'address',
  'name',
];

export const DEFAULT_REPLACEMENTS: Readonly<Record<PiiType, string>> = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  card: '[CARD]',
  iban: '[IBAN]',
  ip: '[IP]',
  secret: '[SECRET]',
  jwt: '[JWT]',
  ssn: '[SSN]',
  cn_id: '[CN_ID]',
  address: '[ADDRESS]',
  name: '[NAME]',
};

export interface RedactOptions {
  /** The types to look for; all by default. */
  types?: readonly PiiType[];
  /** Types to leave in the text even when found (e.g. keep `ip` in network traces). */
  keep?: readonly PiiType[];
  /** Replacement text per type, over the `[EMAIL]`-style defaults. */
  replacements?: Partial<Record<PiiType, string>>;
  /** Countries whose national phone formats (no `+`) are recognised; default US, GB, CN. */
  phoneCountries?: readonly CountryCode[];
}

export interface RedactResult {
  text: string;
  /** The replaced spans, in order, with offsets into the original text. */
  findings: PiiFinding[];
}

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

function detect(text: string, types: ReadonlySet<PiiType>, options: RedactOptions): Candidate[] {
  const candidates: Candidate[] = [];
  const run = (type: PiiType, detector: (text: string) => Candidate[]): void => {
    if (types.has(type)) candidates.push(...detector(text));
  };
  run('jwt', detectJwts);
  run('secret', detectSecrets);
  run('email', detectEmails);
  run('iban', detectIbans);
  run('cn_id', detectChineseIds);
  run('card', detectCards);
  run('ssn', detectSsns);
  run('ip', detectIps);
  run('phone', (input) => detectPhones(input, options.phoneCountries));
  run('address', detectAddresses);
  run('name', detectNames);
  return candidates.filter((candidate) => types.has(candidate.type) && candidate.end > candidate.start);
}

/** Keeps the best span where spans overlap: higher priority first, then the longer one. */
function resolveOverlaps(candidates: Candidate[]): PiiFinding[] {
  const ranked = [...candidates].sort(
    (a, b) => PRIORITY[b.type] - PRIORITY[a.type] || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: PiiFinding[] = []; // sorted by start, non-overlapping
  for (const candidate of ranked) {
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (kept[middle]!.start < candidate.start) low = middle + 1;
      else high = middle;
    }
    const previous = kept[low - 1];
    const next = kept[low];
    if (previous && previous.end > candidate.start) continue;
    if (next && next.start < candidate.end) continue;
    kept.splice(low, 0, { type: candidate.type, start: candidate.start, end: candidate.end });
  }
  return kept;
}

/** Finds personal data and secrets in `text` and replaces each span with its type's placeholder. */
export function redact(text: string, options: RedactOptions = {}): RedactResult {
  const keep = new Set(options.keep ?? []);
  const types = new Set((options.types ?? PII_TYPES).filter((type) => !keep.has(type)));
  if (text.length === 0 || types.size === 0) return { text, findings: [] };
  const replacements = { ...DEFAULT_REPLACEMENTS, ...options.replacements };
  // A placeholder left by an earlier pass ("postgres://u:[SECRET]@host") is not found again.
  const placeholders = new Set(Object.values(replacements));
  const candidates = detect(text, types, options).filter((candidate) => !placeholders.has(text.slice(candidate.start, candidate.end)));
  const findings = resolveOverlaps(candidates);
  let output = '';
  let cursor = 0;
  for (const finding of findings) {
    output += text.slice(cursor, finding.start) + replacements[finding.type];
    cursor = finding.end;
  }
  return { text: output + text.slice(cursor), findings };
}

/**
 * Redacts every string inside `value` (chat messages, tool-call arguments, nested records).
 * Object keys, numbers and other non-string leaves are kept; the input is not mutated; shared
 * and cyclic references map to one redacted copy.
 */
export function redactValue(value: unknown, options: RedactOptions = {}): unknown {
  const seen = new Map<object, unknown>();
  const visit = (current: unknown): unknown => {
    if (typeof current === 'string') return redact(current, options).text;
    if (typeof current !== 'object' || current === null) return current;
    const done = seen.get(current);
    if (done !== undefined) return done;
    if (Array.isArray(current)) {
      const copy: unknown[] = [];
      seen.set(current, copy);
      for (const item of current) copy.push(visit(item));
      return copy;
    }
    const prototype: unknown = Object.getPrototypeOf(current);
    if (prototype !== Object.prototype && prototype !== null) return current; // Date, Map, class instances
    const copy: Record<string, unknown> = {};
    seen.set(current, copy);
    for (const [key, item] of Object.entries(current)) copy[key] = visit(item);
    return copy;
  };
  return visit(value);
}
