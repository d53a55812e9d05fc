/**
 * Person names, best effort and tuned for precision: a name is taken only where something says
 * it is one: "my name is", a title (Mr., Dr.), "Dear", a sign-off line, or a well-known given name
 * followed by a capitalised surname.
 */
import { GIVEN_NAMES } from './given-names.js';
import type { Candidate, Detector } from './types.js';

/** One capitalised name word: "Smith", "O'Brien", "McDonald", "Fernández", "Jean-Luc". */
const WORD = "\\p{Lu}\\p{Ll}+(?:\\p{Lu}\\p{Ll}+)?(?:[-'’]\\p{Lu}?\\p{Ll}+)?";
/** One to three name words (a middle initial allowed), read right after a trigger. */
const NAME_AFTER = new RegExp(`${WORD}(?:[ \\t](?:\\p{Lu}\\.[ \\t])?${WORD}){0,2}(?![\\p{L}\\p{N}_])`, 'uy');

/** Capitalised words that follow triggers without being names. */
const NOT_NAMES = new Set(
  (
    'The A An And Or But Is Was In On At To For Of With From By I It This That We You They He She ' +
    'Sir Madam Madame Customer Customers Team All Colleagues Friend Friends Valued Hiring Manager User ' +
    'Users Member Members Client Clients Applicant Candidate Reader Readers Parent Parents Student ' +
    'Students Everyone Partner Partners Supporter Supporters Sirs Shareholders Colleague Admin Support'
  ).split(' '),
);

/** Words that open a name span (case-insensitive), case-sensitive titles, greetings. */
const TRIGGERS: RegExp[] = [
  /(?:\bmy name is|\bmy name's|\bmy full name is|(?:^|\n)[ \t]*(?:full )?name[ \t]*:|\bme llamo|\bmi nombre es|\bje m['’]appelle|\bich heiße|\bich heisse|\bmein name ist|\bmeu nome é|\bi am called)[ \t]+/gimu,
  /\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Mme|Mlle|Herr|Frau|Sr|Sra)\.?[ \t]+/gu,
  /\bDear[ \t]+(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?[ \t]+)?/gu,
  /(?:^|\n)[ \t]*(?:Best regards|Kind regards|Warm regards|Regards|Best wishes|Best|Cheers|Thanks|Thank you|Many thanks|Sincerely|Yours sincerely|Yours truly|Yours faithfully|Yours|Respectfully|Cordialement|Saludos|Atentamente|Mit freundlichen Grüßen|Viele Grüße|Grüße)[ \t]*[,!.]?[ \t]*\r?\n(?:[ \t]*\r?\n)?[ \t]*(?:[-–—]{1,2}[ \t]*)?/gu,
  /\n[ \t]*[-–—]{1,2}[ \t]*/gu,
];
/** Sign-off triggers only count when the name is the whole line. */
const LINE_ONLY = new Set([3, 4]);

const GIVEN_THEN_SURNAME = new RegExp(
  `(?<![\\p{L}\\p{N}_@.'’-])(\\p{Lu}\\p{Ll}+)(?: \\p{Lu}\\.)? (${WORD})(?![\\p{L}\\p{N}_])`,
  'gu',
);
const CHINESE_NAME = /(?:我叫|我的名字是|我的名字叫|我名叫)([\u4e00-\u9fff]{2,3}?)(?=[，。,.\s！!、；;]|是|$)/dgu;

function trimNotNames(text: string, start: number, end: number): Candidate | undefined {
  const words = text.slice(start, end).split(/\s+/);
  while (words.length > 0 && NOT_NAMES.has(words[words.length - 1]!)) words.pop();
  if (words.length === 0 || NOT_NAMES.has(words[0]!)) return undefined;
  return { type: 'name', start, end: start + words.join(' ').length };
}

function afterTriggers(text: string): Candidate[] {
  const found: Candidate[] = [];
  TRIGGERS.forEach((trigger, index) => {
    trigger.lastIndex = 0;
    for (let match = trigger.exec(text); match; match = trigger.exec(text)) {
      const from = match.index + match[0].length;
      NAME_AFTER.lastIndex = from;
      const name = NAME_AFTER.exec(text);
      if (!name) continue;
      const end = from + name[0].length;
      if (LINE_ONLY.has(index) && !/^[ \t]*(?:\r?\n|$)/.test(text.slice(end, end + 4))) continue;
      const span = trimNotNames(text, from, end);
      if (span) found.push(span);
      if (trigger.lastIndex <= match.index) trigger.lastIndex = match.index + 1;
    }
  });
  return found;
}

function givenThenSurname(text: string): Candidate[] {
  const found: Candidate[] = [];
  GIVEN_THEN_SURNAME.lastIndex = 0;
  for (let match = GIVEN_THEN_SURNAME.exec(text); match; match = GIVEN_THEN_SURNAME.exec(text)) {
    const given = match[1]!;
    const surname = match[2]!;
    if (GIVEN_NAMES.has(given) && !NOT_NAMES.has(surname)) {
      found.push({ type: 'name', start: match.index, end: match.index + match[0].length });
    } else {
      // "Yesterday James Miller": retry from the second word.
      GIVEN_THEN_SURNAME.lastIndex = match.index + given.length + 1;
    }
  }
  return found;
}

function chineseNames(text: string): Candidate[] {
  const found: Candidate[] = [];
  CHINESE_NAME.lastIndex = 0;
  for (let match = CHINESE_NAME.exec(text); match; match = CHINESE_NAME.exec(text)) {
    const range = match.indices?.[1];
    if (range) found.push({ type: 'name', start: range[0], end: range[1] });
  }
  return found;
}

export const detectNames: Detector = (text) => [...afterTriggers(text), ...givenThenSurname(text), ...chineseNames(text)];
