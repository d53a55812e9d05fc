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
 * Cost: the libraries load on the first redaction, not at import (./redact/libraries.ts). A text is
 * read in windows, in time linear in its length, and the work runs in slices with a turn of the
 * event loop between them (./redact/engine.ts): a 2 MB log never holds the loop. Phone matching,
 * the one costly check, has a budget per redaction (./redact/phone.ts).
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
 *   checks, imported one function file at a time (./redact/libraries.ts) so the rest of the
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
import { runInSlices, runNow, SliceBudget, type SlicedWork } from '../core/slices.js';
import type { RedactResult, RedactSettings } from './redact/engine.js';
import { loadRedactionLibraries, type RedactionLibraries } from './redact/libraries.js';
import type { PiiType } from './redact/types.js';

export type { PiiFinding, PiiType } from './redact/types.js';
export type { RedactResult } from './redact/engine.js';

export const PII_TYPES: readonly PiiType[] = ['email', 'phone', 'card', 'iban', 'ip', 'secret', 'jwt', 'ssn', 'cn_id', 'address', 'name'];

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
  /** Stops the work at its next slice with the signal's reason. */
  signal?: AbortSignal;
}

/** The detectors (a chunk of their own: nothing before the first redaction needs them) and their libraries. */
interface Redaction {
  engine: typeof import('./redact/engine.js');
  phone: typeof import('./redact/phone.js');
  libraries: RedactionLibraries;
}

let loading: Promise<Redaction> | undefined;
let loaded: Redaction | undefined;

/** Loads the redaction code and its libraries once. */
export function loadRedaction(): Promise<Redaction> {
  loading ??= Promise.all([import('./redact/engine.js'), import('./redact/phone.js'), loadRedactionLibraries()]).then(
    ([engine, phone, libraries]) => (loaded = { engine, phone, libraries }),
  );
  return loading;
}

function settingsOf(options: RedactOptions): RedactSettings {
  const keep = new Set(options.keep ?? []);
  const replacements = { ...DEFAULT_REPLACEMENTS, ...options.replacements };
  return {
    types: new Set((options.types ?? PII_TYPES).filter((type) => !keep.has(type))),
    replacements,
    placeholders: new Set(Object.values(replacements)),
    ...(options.phoneCountries ? { phoneCountries: options.phoneCountries } : {}),
  };
}

/**
 * Finds personal data and secrets in `text` and replaces each span with its type's placeholder.
 * Asynchronous: the libraries load on first use, and a long text is worked through in slices
 * without holding the event loop.
 */
export async function redact(text: string, options: RedactOptions = {}): Promise<RedactResult> {
  const { engine, phone, libraries } = await loadRedaction();
  return runInSlices(engine.redactText(text, settingsOf(options), libraries, new phone.PhoneBudget(), new SliceBudget()), options.signal);
}

/**
 * Redacts every string inside `value` (chat messages, tool-call arguments, nested records).
 * Object keys, numbers and other non-string leaves are kept; the input is not mutated; shared
 * and cyclic references map to one redacted copy. One phone budget serves the whole value.
 */
export async function redactValue(value: unknown, options: RedactOptions = {}): Promise<unknown> {
  return runInSlices(redactValueSteps(value, settingsOf(options), await loadRedaction()), options.signal);
}

/**
 * `redactValue` at once, for the one caller that cannot wait (evidence filed with a quality event
 * as it is emitted): `undefined` when the libraries are not loaded yet, in which case the caller
 * keeps nothing. Holds the loop for the whole value: for short texts only.
 */
export function redactValueIfReady(value: unknown, options: RedactOptions = {}): unknown {
  if (!loaded) {
    void loadRedaction().catch(() => undefined);
    return undefined;
  }
  return runNow(redactValueSteps(value, settingsOf(options), loaded));
}

function* redactValueSteps(value: unknown, settings: RedactSettings, { engine, phone, libraries }: Redaction): SlicedWork<unknown> {
  const budget = new phone.PhoneBudget();
  const slice = new SliceBudget();
  const seen = new Map<object, unknown>();
  function* visit(current: unknown): SlicedWork<unknown> {
    if (typeof current === 'string') return (yield* engine.redactText(current, settings, libraries, budget, slice)).text;
    if (typeof current !== 'object' || current === null) return current;
    const done = seen.get(current);
    if (done !== undefined) return done;
    if (Array.isArray(current)) {
      const copy: unknown[] = [];
      seen.set(current, copy);
      for (const item of current) copy.push(yield* visit(item));
      return copy;
    }
    const prototype: unknown = Object.getPrototypeOf(current);
    if (prototype !== Object.prototype && prototype !== null) return current; // Date, Map, class instances
    const copy: Record<string, unknown> = {};
    seen.set(current, copy);
    for (const [key, item] of Object.entries(current)) copy[key] = yield* visit(item);
    return copy;
  }
  return yield* visit(value);
}
