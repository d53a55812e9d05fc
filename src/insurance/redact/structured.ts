/**
 * Detectors for the structured types: a bounded regex proposes each candidate span (every
 * quantifier has an upper limit, so no input makes them backtrack badly), then a validator
 * (checksum, date, format rules) decides.
 */
import type { RedactionLibraries } from './libraries.js';
import type { Candidate, Detector, PiiType } from './types.js';

/** Every match of `pattern` (global) that `accept` returns a span for. */
function scan(text: string, pattern: RegExp, accept: (match: RegExpExecArray) => Candidate | Candidate[] | undefined): Candidate[] {
  const found: Candidate[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const span = accept(match);
    if (Array.isArray(span)) found.push(...span);
    else if (span) found.push(span);
    if (match[0].length === 0) pattern.lastIndex++;
  }
  return found;
}

function whole(type: PiiType, match: RegExpExecArray): Candidate {
  return { type, start: match.index, end: match.index + match[0].length };
}

/** The span of capture group `group`; needs the `d` flag. */
function group(type: PiiType, match: RegExpExecArray, index = 1): Candidate | undefined {
  const range = match.indices?.[index];
  return range ? { type, start: range[0], end: range[1] } : undefined;
}

/** Text just before `index`, to look for a keyword such as "SSN" or "version". */
function before(text: string, index: number, length: number): string {
  return text.slice(Math.max(0, index - length), index);
}

// ── email ────────────────────────────────────────────────────────────────────────────────────

const EMAIL = /[\p{L}\p{N}._%+-]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.){1,8}\p{L}{2,24}(?![\p{L}\p{N}_-])/gu;
/** Asset names like `logo@2x.png` look like addresses. */
const FILE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'avif']);

/** "john [at] example [dot] com", the usual way of hiding an address from scrapers. */
const OBFUSCATED_EMAIL =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}\s?[[(]\s?at\s?[\])]\s?[\p{L}\p{N}-]{1,63}(?:\s?[[(]\s?dot\s?[\])]\s?[\p{L}\p{N}-]{1,63}){1,4}/giu;
const LOCALHOST_EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@localhost(?![\p{L}\p{N}.-])/gu;

export const detectEmails: Detector = (text, { isEmail }) => {
  // Every form holds an `@` or an "at": without one, the regexes (which try up to 64 characters
  // from every position) have nothing to find.
  const at = text.includes('@');
  return [
    ...(/at/i.test(text) ? scan(text, OBFUSCATED_EMAIL, (match) => whole('email', match)) : []),
    ...(at ? scan(text, LOCALHOST_EMAIL, (match) => whole('email', match)) : []),
    ...(at
      ? scan(text, EMAIL, (match) => {
          const value = match[0];
          if (!isEmail(value)) return undefined; // RFC 5321 local part and domain labels
          const tld = value.slice(value.lastIndexOf('.') + 1).toLowerCase();
          if (FILE_EXTENSIONS.has(tld)) return undefined;
          return whole('email', match);
        })
      : []),
  ];
};

// ── card ─────────────────────────────────────────────────────────────────────────────────────

/** 13–19 digits, optionally grouped with single spaces or dashes, not part of a longer number. */
const CARD = /(?<![\d.,]|\d[ -])\d(?:[ -]?\d){12,18}(?![ -]?\d|[.,]\d)/g;

/**
 * The ISO/IEC 7812 issuer ranges and lengths that validator's isCreditCard does not know (its
 * table has Visa, Mastercard, Amex, 14-digit Diners, 16-digit JCB and UnionPay, Discover 6011/65).
 */
const OTHER_CARD_NETWORKS: Array<[prefix: RegExp, lengths: readonly number[]]> = [
  [/^(?:5[06-9]|6\d)/, [13, 14, 15, 16, 17, 18, 19]], // Maestro; UnionPay, Discover 64x and 17–19 digits
  [/^220[0-4]/, [16, 17, 18, 19]], // Mir
  [/^35(?:2[89]|[3-8]\d)/, [17, 18, 19]], // JCB
  [/^(?:30[0-5]|3095|36|3[89])/, [14, 15, 16, 17, 18, 19]], // Diners Club
];

function isCardNumber(value: string, { isCreditCard, isLuhnNumber }: RedactionLibraries): boolean {
  if (isCreditCard(value)) return true; // network prefix and length, then Luhn
  const digits = value.replace(/\D/g, '');
  return OTHER_CARD_NETWORKS.some(([prefix, lengths]) => prefix.test(digits) && lengths.includes(digits.length)) && isLuhnNumber(digits);
}

export const detectCards: Detector = (text, libraries) =>
  scan(text, CARD, (match) => {
    const value = match[0];
    const separators = value.replace(/\d/g, '');
    if (separators.length > 0 && new Set(separators).size > 1) return undefined; // mixed "1 2-3"
    if (!isCardNumber(value, libraries)) return undefined;
    return whole('card', match);
  });

// ── iban ─────────────────────────────────────────────────────────────────────────────────────

const IBAN = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,30}/g;

export const detectIbans: Detector = (text, { isIBAN }) => {
  const found: Candidate[] = [];
  IBAN.lastIndex = 0;
  for (let match = IBAN.exec(text); match; match = IBAN.exec(text)) {
    const span = ibanAt(text, match, isIBAN);
    if (span) found.push(span);
    // The run may have swallowed the start of the next IBAN ("NO93… and IE29…"): go on from the
    // end of this one, or right after the rejected start.
    IBAN.lastIndex = span ? span.end : match.index + 1;
  }
  return found;
};

/** IBANs are 15 (Norway) to 34 characters long. */
const IBAN_MIN_LENGTH = 15;

function ibanAt(text: string, match: RegExpExecArray, isIBAN: RedactionLibraries['isIBAN']): Candidate | undefined {
  // The regex may run into the following words: try each end that falls on a word boundary.
  // validator checks the country's exact format (and so its length) and mod-97, so at most one
  // end passes.
  let compact = '';
  let end = match.index;
  for (const char of match[0]) {
    end++;
    if (char === ' ' || char === '-') continue;
    compact += char.toUpperCase();
    if (compact.length < IBAN_MIN_LENGTH || /[A-Za-z0-9]/.test(text[end] ?? '')) continue;
    if (!isIBAN(compact)) continue;
    const written = text.slice(match.index, end);
    if (new Set(written.replace(/[A-Za-z0-9]/g, '')).size > 1) return undefined; // "GB82 WEST-1234"
    if (written !== written.toUpperCase() && written !== written.toLowerCase()) return undefined;
    return { type: 'iban', start: match.index, end };
  }
  return undefined;
}

// ── ip ───────────────────────────────────────────────────────────────────────────────────────

/** Four dotted runs of 1–3 digits, not part of a longer dotted number; validated as IPv4 below. */
const IPV4 = /(?<![A-Za-z0-9_.])(?:\d{1,3}\.){3}\d{1,3}(?![0-9]|\.\d)/g;
/** "version 1.2.3.4", "v2.0.0.1", "build 1.0.0.12" are versions, not hosts. */
const VERSION_CONTEXT =
  /(?:\bv|\bversions?:?\s*|\bver\.?\s*|\bbuild:?\s*|\brelease:?\s*|[A-Za-z]\/|\b(?:macOS|OS X|iOS|iPadOS|Windows|Android|Ubuntu|Debian|Chrome|Chromium|Firefox|Safari|Edge|Node(?:\.js)?|Python|Java|Electron|Xcode)\s*)$/i;
/** A run of hex digits, colons and dots with at least two colons; validated as IPv6 below. */
const IPV6 = /(?<![\w:.])(?=[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:)[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}(?![\w:])/g;

function isIpv6(value: string, isIP: RedactionLibraries['isIP']): boolean {
  return /\d/.test(value) && isIP(value, 6); // "a::b", "dead::beef" in prose have no digit
}

export const detectIps: Detector = (text, { isIP }) => [
  ...scan(text, IPV4, (match) => {
    if (!isIP(match[0], 4)) return undefined;
    if (VERSION_CONTEXT.test(before(text, match.index, 16))) return undefined;
    return whole('ip', match);
  }),
  ...scan(text, IPV6, (match) => {
    const value = match[0].replace(/[.:]+$/, (tail) => (tail.startsWith('::') ? '::' : ''));
    if (!isIpv6(value, isIP)) return undefined;
    return { type: 'ip', start: match.index, end: match.index + value.length };
  }),
];

// ── secret ───────────────────────────────────────────────────────────────────────────────────

const TOKEN_END = '(?![A-Za-z0-9_-])';
/** Provider keys, each recognisable by its documented prefix. */
const PROVIDER_KEYS: RegExp[] = [
  // OpenAI (sk-, sk-proj-, sk-svcacct-, sk-admin-), Anthropic (sk-ant-), OpenRouter (sk-or-v1-), DeepSeek and others.
  new RegExp(`(?<![A-Za-z0-9_-])sk-[A-Za-z0-9][A-Za-z0-9_-]{19,300}${TOKEN_END}`, 'g'),
  new RegExp(`(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}${TOKEN_END}`, 'g'), // Google API key
  new RegExp(`(?<![A-Za-z0-9_-])xai-[A-Za-z0-9]{20,200}${TOKEN_END}`, 'g'), // xAI
  new RegExp(`(?<![A-Za-z0-9_-])gsk_[A-Za-z0-9]{20,200}${TOKEN_END}`, 'g'), // Groq
  /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g, // AWS access key id
  new RegExp(`(?<![A-Za-z0-9_-])gh[pousr]_[A-Za-z0-9]{36,255}${TOKEN_END}`, 'g'), // GitHub
  new RegExp(`(?<![A-Za-z0-9_-])github_pat_[A-Za-z0-9_]{22,255}${TOKEN_END}`, 'g'),
  new RegExp(`(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,100}${TOKEN_END}`, 'g'), // GitLab
  new RegExp(`(?<![A-Za-z0-9_-])xox[abposr]-[A-Za-z0-9-]{10,250}${TOKEN_END}`, 'g'), // Slack
  new RegExp(`(?<![A-Za-z0-9_-])[sr]k_(?:live|test)_[A-Za-z0-9]{16,250}${TOKEN_END}`, 'g'), // Stripe
  new RegExp(`(?<![A-Za-z0-9_-])hf_[A-Za-z0-9]{30,100}${TOKEN_END}`, 'g'), // Hugging Face
  /-----BEGIN [A-Z ]{0,30}PRIVATE KEY-----[\s\S]{0,10000}?-----END [A-Z ]{0,30}PRIVATE KEY-----/g,
];
/** Secrets recognisable only by what labels them: the token is capture group 1. */
const LABELLED_SECRETS: RegExp[] = [
  /\bbearer\s+([A-Za-z0-9\-._~+/]{16,4096}=*)(?![A-Za-z0-9\-._~+/=])/dgi,
  /\baws_secret_access_key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/dgi,
  /\b(?:api[_-]?key|secret[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret)["']?\s*[:=]\s*["']?([A-Za-z0-9_\-.]{20,512})(?![A-Za-z0-9_\-.])/dgi,
];

/** Values that are secrets whatever they look like: a labelled password, a URL's password. */
const PASSWORDS: RegExp[] = [
  /\b(?:password|passwd|pwd|passphrase|passcode)["']?\s*[:=]\s*["']?([^\s"',;<>{}()[\]$]{4,128})(?![^\s"',;<>{}()[\]$])/dgi,
  /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@]{1,64}:([^\s:/@]{1,128})@/dgi,
];
/** HTTP Basic credentials: base64 of "user:password". */
const BASIC_AUTH = /\bbasic\s+([A-Za-z0-9+/]{8,4096}={0,2})(?![A-Za-z0-9+/=])/dgi;

function isBasicCredential(token: string): boolean {
  try {
    return atob(token).includes(':');
  } catch {
    return false;
  }
}

/** Real keys mix letters and digits; "sk-learn-and-more-words" does not. */
function looksRandom(token: string): boolean {
  return /\d/.test(token) && /[A-Za-z]/.test(token);
}

export const detectSecrets: Detector = (text) => [
  ...PROVIDER_KEYS.flatMap((pattern) =>
    scan(text, pattern, (match) => (looksRandom(match[0]) || match[0].startsWith('-----') ? whole('secret', match) : undefined)),
  ),
  ...LABELLED_SECRETS.flatMap((pattern) =>
    scan(text, pattern, (match) => (looksRandom(match[1] ?? '') ? group('secret', match) : undefined)),
  ),
  ...PASSWORDS.flatMap((pattern) => scan(text, pattern, (match) => group('secret', match))),
  ...scan(text, BASIC_AUTH, (match) => (isBasicCredential(match[1] ?? '') ? group('secret', match) : undefined)),
];

// ── jwt ──────────────────────────────────────────────────────────────────────────────────────

const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,4096}\.eyJ[A-Za-z0-9_-]{2,16384}\.[A-Za-z0-9_-]{0,4096}(?![A-Za-z0-9_-])/g;

function decodeBase64Url(segment: string): string | undefined {
  try {
    const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
    return atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  } catch {
    return undefined;
  }
}

/** A JWS header is a JSON object naming its algorithm or type. */
function hasJwtHeader(token: string): boolean {
  const header = decodeBase64Url(token.slice(0, token.indexOf('.')));
  if (!header) return false;
  try {
    const parsed: unknown = JSON.parse(header);
    return typeof parsed === 'object' && parsed !== null && ('alg' in parsed || 'typ' in parsed);
  } catch {
    return false;
  }
}

export const detectJwts: Detector = (text) => scan(text, JWT, (match) => (hasJwtHeader(match[0]) ? whole('jwt', match) : undefined));

// ── ssn ──────────────────────────────────────────────────────────────────────────────────────

/** US SSN issuance rules (validator has no SSN check): area not 000, 666 or 9xx; group not 00; serial not 0000. */
function isValidSsn(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area.startsWith('9')) return false;
  return group !== '00' && serial !== '0000';
}

const SSN_DASHED = /(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-]|[A-Za-z])/g;
/** Spaced or unseparated SSNs look like any other number: only with a label nearby. */
const SSN_BARE = /(?<![\d-])(\d{3})( ?)(\d{2})\2(\d{4})(?![\d-]|[A-Za-z])/g;
const SSN_CONTEXT = /\b(?:ssn|ss#|social security(?: number| no\.?| #)?|soc\.? ?sec\.?)(?:\W|$)/i;
/** "Call 404-55-1234": digits after a phone word are not an SSN. */
const PHONE_CONTEXT = /\b(?:call|phone|tel|fax|dial|ext|mobile|cell)\b\W{0,10}$/i;

export const detectSsns: Detector = (text) => [
  ...scan(text, SSN_DASHED, (match) =>
    isValidSsn(match[1]!, match[2]!, match[3]!) && !PHONE_CONTEXT.test(before(text, match.index, 20)) ? whole('ssn', match) : undefined,
  ),
  ...scan(text, SSN_BARE, (match) =>
    isValidSsn(match[1]!, match[3]!, match[4]!) && SSN_CONTEXT.test(before(text, match.index, 40)) ? whole('ssn', match) : undefined,
  ),
];

// ── cn_id ────────────────────────────────────────────────────────────────────────────────────

const CN_ID = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;

/** GB 11643-1999: province code, a real birth date not in the future, ISO 7064 MOD 11-2 check character. */
export const detectChineseIds: Detector = (text, { isIdentityCard }) =>
  scan(text, CN_ID, (match) => (isIdentityCard(match[0], 'zh-CN') ? whole('cn_id', match) : undefined));
