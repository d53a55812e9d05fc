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
 * a whole-text scan per country took seconds.
 */
import { findPhoneNumbersInText, getCountryCallingCode, type CountryCode, type NumberFound } from 'libphonenumber-js/max';
import type { Candidate } from './types.js';

export const DEFAULT_PHONE_COUNTRIES: readonly CountryCode[] = ['US', 'GB', 'CN'];
const CONTEXT_COUNTRIES: readonly CountryCode[] = [
  'US', 'GB', 'CN', 'CA', 'AU', 'IN', 'DE', 'FR', 'ES', 'IT', 'NL', 'BE', 'CH', 'AT', 'SE', 'PL',
  'PT', 'IE', 'BR', 'MX', 'AR', 'JP', 'KR', 'SG', 'HK', 'TW', 'RU', 'TR', 'ZA', 'NG', 'AE',
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

export function detectPhones(text: string, countries: readonly CountryCode[] = DEFAULT_PHONE_COUNTRIES): Candidate[] {
  const spans: Candidate[] = [];
  const cache = new Map<string, NumberFound[]>();
  const find = (window: string, country: CountryCode | undefined, possible: boolean): NumberFound[] => {
    const key = `${country ?? ''}\u0000${possible}\u0000${window}`;
    let found = cache.get(key);
    if (!found) {
      // `extended` switches libphonenumber from "valid" to "possible" numbers.
      found = findPhoneNumbersInText(window, { ...(country ? { defaultCountry: country } : {}), extended: possible });
      cache.set(key, found);
    }
    return found;
  };
  /** Runs the passes in order; with `firstOnly`, stops at the first country that finds one. */
  const scan = (offset: number, window: string, passes: ReadonlyArray<CountryCode | undefined>, withContext: boolean, firstOnly: boolean): boolean => {
    let any = false;
    for (const country of passes) {
      for (const match of find(window, country, withContext)) {
        const raw = window.slice(match.startsAt, match.endsAt);
        if (!accept(match, raw, country, withContext, countries)) continue;
        spans.push({ type: 'phone', start: offset + match.startsAt, end: offset + match.endsAt });
        any = true;
      }
      if (any && firstOnly) return true;
    }
    return any;
  };
  DIGIT_RUN.lastIndex = 0;
  for (let run = DIGIT_RUN.exec(text); run; run = DIGIT_RUN.exec(text)) {
    const value = run[0];
    if ((value.match(/\d/g)?.length ?? 0) < MIN_DIGITS) continue;
    const withContext = CONTEXT_BEFORE.test(text.slice(Math.max(0, run.index - 40), run.index));
    for (let from = 0; ; from += STEP) {
      const window = value.slice(from, from + WINDOW);
      const found = scan(run.index + from, window, [undefined, ...countries], false, false);
      if (!found && withContext) scan(run.index + from, window, [undefined, ...CONTEXT_COUNTRIES], true, true);
      if (from + WINDOW >= value.length) break;
    }
  }
  return spans.filter((span) => isolated(text, span.start, span.end));
}
