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
    'Students Everyone Partner Partners Supporter Supporters Sirs Shareholders Colleague Admin Support ' +
    'Diary Guys Folks Community Board Committee Department Office'
  ).split(' '),
);

/** Words that open a name span (case-insensitive), case-sensitive titles, greetings. */
const TRIGGERS: RegExp[] = [
  /(?:\bmy name is|\bmy name's|\bmy full name is|(?:^|\n)[ \t]*(?:full )?name[ \t]*:|\bme llamo|\bmi nombre es|\bje m['’]appelle|\bich heiße|\bich heisse|\bmein name ist|\bmeu nome é|\bi am called)[ \t]+/gimu,
  /\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Mme|Mlle|Herr|Frau|Sr|Sra)\.?[ \t]+/gu,
  /\bDear[ \t]+(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?[ \t]+)?/gu,
  /(?:^|\n)[ \t]*(?:Best regards|Kind regards|Warm regards|Regards|Best wishes|Best|Cheers|Thanks|Thank you|Many thanks|Sincerely|Yours sincerely|Yours truly|Yours faithfully|Yours|Respectfully|Cordialement|Saludos|Atentamente|Mit freundlichen Grüßen|Viele Grüße|Grüße)[ \t]*[,!.]?[ \t]*\r?\n(?:[ \t]*\r?\n)?[ \t]*(?:[-–—]{1,2}[ \t]*)?/gu,
  /\n[ \t]*[-–—]{1,2}[ \t]*/gu,
  /(?:^|\n)[ \t]*(?:Thanks|Thank you|Cheers|Regards|Best|Best regards|Kind regards|Love|Cordialement|Saludos|Grüße),[ \t]+/gu,
];
/** Sign-off triggers only count when the name is the whole line. */
const LINE_ONLY = new Set([3, 4, 5]);
/** Greetings count only before a known given name: "Hello World" is no one. */
const GREETING = /\b(?:Hi|Hello|Hey|Hallo|Hola|Bonjour|Ciao|Olá)[ \t]+/gu;
/** Header fields that list people: "To: Ann Lee, Bo Chen", "From: \"Lee, Anna\" <…>". */
const PEOPLE_HEADER = /(?:^|\n)[ \t]*(?:From|To|Cc|CC|Bcc|BCC|Attendees|Author|Assignee|Reviewers?)[ \t]*:[ \t]*/gu;
const HEADER_NAME = new RegExp(`["“]?(${WORD}(?:[ \\t]${WORD}){0,2})["”]?(?=[ \\t]*(?:,|<|$|\\n|["”]))`, 'uy');
/** Lowercase names after "my name is": only when the first word is a known given name. */
const LOWERCASE_NAME = /\p{Ll}+(?:[ \t]\p{Ll}+)?/uy;
const LOWERCASE_STOP = new Set('and but or is was not i im from at in the a an so here there with for on to who'.split(' '));
/** "Sarah's laptop": a known given name in the possessive. */
const POSSESSIVE = /(?<![\p{L}\p{N}_])(\p{Lu}\p{Ll}+)(?=['’]s\b)/gu;

const GIVEN_THEN_SURNAME = new RegExp(`(?<![\\p{L}\\p{N}_@.'’-])(\\p{Lu}\\p{Ll}+)(?: \\p{Lu}\\.)? (${WORD})(?![\\p{L}\\p{N}_])`, 'gu');
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
      if (!name) {
        if (index === 0) found.push(...lowercaseName(text, from));
        continue;
      }
      const end = from + name[0].length;
      if (LINE_ONLY.has(index) && !/^[ \t]*(?:\r?\n|$)/.test(text.slice(end, end + 4))) continue;
      const span = trimNotNames(text, from, end);
      if (span) found.push(span);
      if (trigger.lastIndex <= match.index) trigger.lastIndex = match.index + 1;
    }
  });
  return found;
}

function lowercaseName(text: string, from: number): Candidate[] {
  LOWERCASE_NAME.lastIndex = from;
  const match = LOWERCASE_NAME.exec(text);
  if (!match) return [];
  const words = match[0].split(/[ \t]/);
  const first = words[0]!;
  if (!GIVEN_NAMES.has(first.charAt(0).toUpperCase() + first.slice(1))) return [];
  const kept = words.length > 1 && !LOWERCASE_STOP.has(words[1]!) ? match[0] : first;
  return [{ type: 'name', start: from, end: from + kept.length }];
}

function afterGreetings(text: string): Candidate[] {
  const found: Candidate[] = [];
  GREETING.lastIndex = 0;
  for (let match = GREETING.exec(text); match; match = GREETING.exec(text)) {
    const from = match.index + match[0].length;
    NAME_AFTER.lastIndex = from;
    const name = NAME_AFTER.exec(text);
    if (!name || !GIVEN_NAMES.has(name[0].split(/[ \t]/)[0]!)) continue;
    const span = trimNotNames(text, from, from + name[0].length);
    if (span) found.push(span);
  }
  return found;
}

function inPeopleHeaders(text: string): Candidate[] {
  const found: Candidate[] = [];
  PEOPLE_HEADER.lastIndex = 0;
  for (let match = PEOPLE_HEADER.exec(text); match; match = PEOPLE_HEADER.exec(text)) {
    let position = match.index + match[0].length;
    // A comma-separated list, possibly quoted, until the line ends or something else starts.
    for (;;) {
      HEADER_NAME.lastIndex = position;
      const name = HEADER_NAME.exec(text);
      if (!name) break;
      const start = position + name[0].indexOf(name[1]!);
      const names = name[1]!;
      // "Lee, Anna" inside quotes is one person written surname first: two name spans.
      const span = trimNotNames(text, start, start + names.length);
      if (span) found.push(span);
      position += name[0].length;
      const separator = /^[ \t]*(?:,[ \t]*|<[^>\n]{0,200}>[ \t]*,?[ \t]*)/.exec(text.slice(position, position + 210));
      if (!separator) break;
      position += separator[0].length;
    }
  }
  return found;
}

function possessives(text: string): Candidate[] {
  const found: Candidate[] = [];
  POSSESSIVE.lastIndex = 0;
  for (let match = POSSESSIVE.exec(text); match; match = POSSESSIVE.exec(text)) {
    if (GIVEN_NAMES.has(match[1]!)) found.push({ type: 'name', start: match.index, end: match.index + match[1]!.length });
  }
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

export const detectNames: Detector = (text) => [
  ...afterTriggers(text),
  ...afterGreetings(text),
  ...inPeopleHeaders(text),
  ...possessives(text),
  ...givenThenSurname(text),
  ...chineseNames(text),
];
