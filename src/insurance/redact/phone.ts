/**
 * Phone numbers through libphonenumber-js (Google's libphonenumber metadata, "max" set so that
 * `isValid()` checks each country's real number ranges, not only lengths).
 *
 * - Numbers written with a `+` country code are found in any text.
 * - National numbers need a country: the `countries` option (default US, GB, CN). Without a
 *   phone word just before it, a national number must be grouped the way that country writes
 *   it (so "INV-2024-000123" is no Washington number), start with the trunk `0` in GB, and be a
 *   mobile in CN; a bare digit run passes only as a Chinese mobile.
 * - After a phone word ("tel", "call", "mobile", "电话", "portable", …) a wider list of countries
 *   is tried, and a number only needs to be possible (right length), not in an assigned range.
 *
 * libphonenumber scans only short windows around digit runs: on 100 KB of digits and separators
 * a whole-text scan per country took seconds. Each scan still costs 0.1–0.4 ms, so:
 * - passes that cannot yield a number that survives are skipped: the country-less pass on a window
 *   without `+` (it finds `+` numbers only), every pass on a run of bare digits that no country
 *   rule takes (a kept number is the whole run there: one glued to more digits is dropped), every
 *   pass on windows of a run of bare digits longer than a window, and GB's and CN's passes on a
 *   window where no number could start with the digits their rules need (0 or 1);
 * - a redaction has a budget of PHONE_SCANS_PER_REDACTION scans. Past it (tables of numbers, 2 MB
 *   logs) every run of 7 or more digits is redacted, group by group. That redacts more than phone
 *   numbers (dates, ids): on such input, privacy first.
 */
import type { CountryCode, NumberFound } from 'libphonenumber-js/max';
import type { SliceBudget } from '../../core/slices.js';
import type { RedactionLibraries } from './libraries.js';
import type { Candidate } from './types.js';

export const DEFAULT_PHONE_COUNTRIES: readonly CountryCode[] = ['US', 'GB', 'CN'];
const CONTEXT_COUNTRIES: readonly CountryCode[] = [
  'US',
  'GB',
  'CN',
  'CA',
  'AU',
  'IN',
  'DE',
  'FR',
  'ES',
  'IT',
  'NL',
  'BE',
  'CH',
  'AT',
  'SE',
  'PL',
  'PT',
  'IE',
  'BR',
  'MX',
  'AR',
  'JP',
  'KR',
  'SG',
  'HK',
  'TW',
  'RU',
  'TR',
  'ZA',
  'NG',
  'AE',
];
const PHONE_WORD =
  '(?:phone|\\btel|t[ée]l[ée]phone|tel[ée]fono|telefone?|mobile?|\\bmobil|\\bcell|celular|m[óo]vil|portable|\\bhandy|' +
  '\\bcall|\\bring|\\bdial|\\bfax|\\bsms|\\btext me|whatsapp|wechat|hotline|\\bmy number|' +
  'll[aá]m|\\bappel|\\banruf|\\bruf|\\bchiama|手机|电话|電話|携帯|联系方式|客服|热线|番号|телефон)';
/** A phone word, then only punctuation or small words up to the number. */
const CONTEXT_BEFORE = new RegExp(
  `${PHONE_WORD}\\p{L}{0,6}(?:[\\s:：.,#=()-]|\\b(?:at|on|is|me|us|no|nr|number|es|est|ist|é|au|al|a|à|en|am|unter|sur|el|le|de|mi|mon|ma|my|our)\\b|号码|是|は)*$`,
  'iu',
);
/** Digits with the separators phone numbers are written with; a number is inside one run. */
const DIGIT_RUN = /[+(]?\d[\d \u00A0().\-/]*\d/g;
const MIN_DIGITS = 7;
/** Scans by libphonenumber a redaction may spend; beyond, numbers are taken by their shape. */
export const PHONE_SCANS_PER_REDACTION = 2_000;
/** Long runs (tables of numbers) are scanned in overlapping windows. */
const WINDOW = 64;
const STEP = 32;

/** The national groups of the number as the country writes it, e.g. 202 | 400 | 0123. */
function groupBoundaries(digitGroups: readonly string[]): Set<number> {
  const boundaries = new Set<number>();
  let position = 0;
  for (const group of digitGroups) {
    position += group.length;
    boundaries.add(position);
  }
  return boundaries;
}

/** True when every break in `raw` is also a break in the country's own national format. */
function groupedLikeCountry(found: NumberFound, raw: string): boolean {
  let groups: string[] = raw.match(/\d+/g) ?? [];
  if (groups.length <= 1) return true;
  const national = found.number.formatNational().match(/\d+/g) ?? [];
  const nationalDigits = national.join('');
  // A lone trunk prefix, as in 1-800-…, is not in the national format of NANP countries.
  if (groups.join('').length === nationalDigits.length + 1 && groups[0]!.length === 1) groups = groups.slice(1);
  if (groups.join('') !== nationalDigits) return false;
  const allowed = groupBoundaries(national);
  return [...groupBoundaries(groups)].every((boundary) => allowed.has(boundary));
}

/** A number dialled from abroad: "+49 …", "00 49 …", "011 49 …". */
function isInternational(found: NumberFound, raw: string): boolean {
  if (raw.startsWith('+')) return true;
  const digits = raw.replace(/\D/g, '');
  return /^(?:00|011)/.test(digits) && digits.replace(/^(?:00|011)/, '').startsWith(found.number.countryCallingCode);
}

function accept(
  found: NumberFound,
  raw: string,
  country: CountryCode | undefined,
  withContext: boolean,
  homeCountries: readonly CountryCode[],
  getCountryCallingCode: RedactionLibraries['getCountryCallingCode'],
): boolean {
  // After a phone word, a number of a home country in an unassigned range ("fictional" 07700
  // 900xxx) still goes; other countries' numbers must be valid.
  const home = homeCountries.some((home) => getCountryCallingCode(home) === found.number.countryCallingCode);
  if (!(withContext && home ? found.number.isPossible() : found.number.isValid())) return false;
  if (isInternational(found, raw)) return true;
  if (country === undefined) return false;
  const formatted = /\d[\s().-]+\d|^\(/.test(raw);
  if (formatted && !groupedLikeCountry(found, raw)) return false;
  if (withContext) return true;
  const type = found.number.getType();
  switch (country) {
    case 'CN':
      // Mobiles, and landlines in the usual area-code-dash form (010-6552 9988).
      return found.number.country === 'CN' && ((type === 'MOBILE' && /^1/.test(raw)) || /^0\d{2,3}-\d/.test(raw));
    case 'GB':
      return found.number.country === 'GB' && raw.startsWith('0') && formatted;
    default:
      return found.number.country === country && formatted;
  }
}

/**
 * An id like "INV-2024-000123" or "ab12-3456" holds digits, not a phone number. Only alphabetic
 * scripts count as glue: Chinese and Japanese write numbers right against the words.
 */
const WORD_CHAR = '[\\p{Script=Latin}\\p{Script=Greek}\\p{Script=Cyrillic}\\p{N}_]';
const GLUED_BEFORE = new RegExp(`${WORD_CHAR}$|${WORD_CHAR}[-/.]$`, 'u');
const GLUED_AFTER = new RegExp(`^${WORD_CHAR}|^[-/.]${WORD_CHAR}`, 'u');

function isolated(text: string, start: number, end: number): boolean {
  return !GLUED_BEFORE.test(text.slice(Math.max(0, start - 2), start)) && !GLUED_AFTER.test(text.slice(end, end + 2));
}

/** Phone work done so far, for tests and benches. */
export const phoneWork = {
  /** libphonenumber scans (a 64-character window, one country). */
  scans: 0,
  /** Digit runs taken by their shape, past a redaction's budget. */
  runsByShape: 0,
};

/** What a redaction may still spend on libphonenumber scans. */
export class PhoneBudget {
  scans = 0;
  constructor(readonly limit = PHONE_SCANS_PER_REDACTION) {}

  get spent(): boolean {
    return this.scans >= this.limit;
  }
}

/**
 * The characters a kept number may start with in `window` (a slice of a run starting at `from`): a
 * number glued to a digit, or to a digit and `-`, `/` or `.`, is dropped, so only the run's start
 * and the characters after a space, a parenthesis, or a `-`, `/`, `.` not preceded by a digit.
 */
function startCharacters(run: string, from: number, window: string): string {
  let starts = '';
  for (let index = 0; index < window.length; index += 1) {
    const at = from + index;
    const before = run[at - 1];
    const startable =
      at === 0 ||
      before === ' ' ||
      before === '\u00A0' ||
      before === '(' ||
      before === ')' ||
      ((before === '-' || before === '/' || before === '.') && !/\d/.test(run[at - 2] ?? ''));
    if (startable && !starts.includes(window[index]!)) starts += window[index];
  }
  return starts;
}

/**
 * Whether a pass without a phone word can keep a number that starts with one of `starts`: GB's
 * rule takes national numbers written with the trunk 0, CN's mobiles (1) and area-code landlines
 * (0); international numbers start with `+` or 0 (00, 011). Other countries' rules take any
 * grouped number.
 */
function passMayKeep(country: CountryCode | undefined, starts: string): boolean {
  if (country === 'GB') return starts.includes('0') || starts.includes('+');
  if (country === 'CN') return starts.includes('0') || starts.includes('1') || starts.includes('+');
  return true;
}

/** Characters a bare run of digits may start with for some country rule to take it whole. */
function bareRunMayBeTaken(value: string, countries: readonly CountryCode[]): boolean {
  // International (00 or 011 before a country code), or a Chinese mobile.
  return value.startsWith('00') || value.startsWith('011') || (value.startsWith('1') && countries.includes('CN'));
}

/**
 * Numbers taken by their shape alone, once the scan budget is spent: a run of 7 or more digits (the
 * caller checks) is redacted whole, each digit group a span of its own (so that a group a checked
 * number already covers takes nothing else with it, and windows reading the same run agree).
 */
function phonesByShape(offset: number, run: string, spans: Candidate[]): void {
  phoneWork.runsByShape += 1;
  const groups = /\+?\(?\d+\)?/g;
  for (let group = groups.exec(run); group; group = groups.exec(run)) {
    spans.push({ type: 'phone', start: offset + group.index, end: offset + group.index + group[0].length, byShape: true });
  }
}

/**
 * Phone numbers in `text`, in slices: the generator yields whenever `slice` says a slice is spent
 * (libphonenumber scans are the one costly step of redaction).
 */
export function* detectPhones(
  text: string,
  countries: readonly CountryCode[] = DEFAULT_PHONE_COUNTRIES,
  libraries: RedactionLibraries,
  budget: PhoneBudget,
  slice: SliceBudget,
): Generator<void, Candidate[], void> {
  const { findPhoneNumbersInText, getCountryCallingCode } = libraries;
  const spans: Candidate[] = [];
  const cache = new Map<string, NumberFound[]>();
  const find = (window: string, country: CountryCode | undefined, possible: boolean): NumberFound[] => {
    const key = `${country ?? ''}\u0000${possible}\u0000${window}`;
    let found = cache.get(key);
    if (!found) {
      budget.scans += 1;
      phoneWork.scans += 1;
      // `extended` switches libphonenumber from "valid" to "possible" numbers.
      found = findPhoneNumbersInText(window, { ...(country ? { defaultCountry: country } : {}), extended: possible });
      cache.set(key, found);
    }
    return found;
  };
  /** Runs the passes in order; with `firstOnly`, stops at the first country that finds one. */
  const scan = (
    offset: number,
    window: string,
    passes: ReadonlyArray<CountryCode | undefined>,
    withContext: boolean,
    firstOnly: boolean,
    starts: string,
  ): boolean => {
    let any = false;
    for (const country of passes) {
      // Without a country libphonenumber finds only numbers written with `+`.
      if (country === undefined && !window.includes('+')) continue;
      if (!withContext && !passMayKeep(country, starts)) continue;
      for (const match of find(window, country, withContext)) {
        const raw = window.slice(match.startsAt, match.endsAt);
        if (!accept(match, raw, country, withContext, countries, getCountryCallingCode)) continue;
        spans.push({ type: 'phone', start: offset + match.startsAt, end: offset + match.endsAt });
        any = true;
      }
      if (any && firstOnly) return true;
    }
    return any;
  };
  const plain: ReadonlyArray<CountryCode | undefined> = [undefined, ...countries];
  const contextual: ReadonlyArray<CountryCode | undefined> = [undefined, ...CONTEXT_COUNTRIES];
  const pattern = new RegExp(DIGIT_RUN.source, 'g');
  for (let run = pattern.exec(text); run; run = pattern.exec(text)) {
    const value = run[0];
    if ((value.match(/\d/g)?.length ?? 0) < MIN_DIGITS) continue;
    if (budget.spent) {
      phonesByShape(run.index, value, spans);
      continue;
    }
    const withContext = CONTEXT_BEFORE.test(text.slice(Math.max(0, run.index - 40), run.index));
    // In a run of bare digits only the whole run can be kept (a number glued to digits is not):
    // none if the run is longer than a window, and without a phone word only by a rule that
    // takes bare digits.
    const bare = /^\d+$/.test(value);
    if (bare && (value.length > WINDOW || (!withContext && !bareRunMayBeTaken(value, countries)))) continue;
    for (let from = 0; ; from += STEP) {
      if (budget.spent) {
        // From the last window scanned on: a number may reach past what it was sure of.
        const rest = Math.max(0, from - STEP);
        phonesByShape(run.index + rest, value.slice(rest), spans);
        break;
      }
      const window = value.slice(from, from + WINDOW);
      const starts = startCharacters(value, from, window);
      const found = scan(run.index + from, window, plain, false, false, starts);
      if (!found && withContext) scan(run.index + from, window, contextual, true, true, starts);
      if (from + WINDOW >= value.length) break;
      if (slice.spent()) {
        yield;
        slice.restart();
      }
    }
    if (slice.spent()) {
      yield;
      slice.restart();
    }
  }
  // Numbers taken by shape are kept even when glued: past the budget, privacy before precision.
  return spans.filter((span) => span.byShape || isolated(text, span.start, span.end));
}
