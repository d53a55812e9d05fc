/**
 * Postal addresses, best effort: a US/UK street line (number, capitalised street name, street
 * type) with the unit, city, state + ZIP or UK postcode that follow it; a lone UK postcode or
 * "City, ST 12345"; German "Hauptstraße 5, 10115 Berlin"; Chinese "…路88号". Street types and
 * capitals are required, so "3 Main roads" or "42 Street Fighter" stay as they are.
 */
import type { Candidate, Detector } from './types.js';

const STREET_TYPE =
  '(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|' +
  'Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Close|Crescent|Cres|Row|Mews|Gardens|Grove|Walk|' +
  'Alley|Trail|Plaza|Expressway|Loop|Path|Pike|Crossing|Point|Ridge|Heights)\\.?(?![\\p{L}\\p{N}])';
const STREET_WORD = "(?:\\p{Lu}[\\p{Ll}'’-]{0,20}\\.?|\\d{1,3}(?:st|nd|rd|th))";
const DIRECTION = '(?:\\s(?:NW|NE|SW|SE|N|S|E|W)\\.?(?![\\p{L}\\p{N}]))?';
const UNIT = '(?:,?\\s(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|Room|Rm|#)\\.?\\s?#?[A-Za-z0-9-]{1,6})?';
const CITY = '(?:,\\s\\p{Lu}\\p{Ll}+(?:\\s\\p{Lu}\\p{Ll}+){0,2})?';
const US_STATES =
  'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|' +
  'NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR';
const STATE_ZIP = `(?:${US_STATES})\\s\\d{5}(?:-\\d{4})?(?![\\p{L}\\p{N}])`;
const UK_POSTCODE = '(?:[A-Z]{1,2}\\d[A-Z\\d]?|GIR) ?\\d[ABD-HJLNP-UW-Z]{2}(?![\\p{L}\\p{N}])';

const FLAT = '(?:(?:Flat|Apt|Apartment|Unit|Suite)\\s[A-Za-z0-9]{1,5},\\s)?';
const TAIL = `${CITY}(?:,?\\s(?:${STATE_ZIP}|${UK_POSTCODE}))?`;
/** Romance-language streets: "Calle de Alcalá 42", "12 rue de la Paix", "Via Roma 1". */
const LINKS = "(?:(?:de|del|de la|de los|de las|da|do|dos|das|di|della|delle|du|des|de l'|d'|la|le|les)\\s?)*";
const ROMANCE_NAME = `${LINKS}\\p{Lu}[\\p{L}'’-]{1,30}(?:\\s${LINKS}\\p{Lu}[\\p{L}'’-]{1,30}){0,3}`;
const EU_POSTCODE_CITY = '(?:,\\s\\d{4,5}\\s\\p{Lu}\\p{Ll}+)?';

const PATTERNS: RegExp[] = [
  new RegExp(`(?<![\\p{L}\\p{N}])${FLAT}\\d{1,6}[A-Z]?\\s(?:${STREET_WORD}\\s){1,5}${STREET_TYPE}${DIRECTION}${UNIT}${TAIL}`, 'gu'),
  new RegExp(`(?<![\\p{L}\\p{N}])P\\.?\\s?O\\.?\\s?Box\\s\\d{1,6}${TAIL}`, 'gu'),
  new RegExp(
    `(?<![\\p{L}\\p{N}])(?:Calle|Avenida|Av\\.|Paseo|Plaza|Carrer|Rua|Avenida|Via|Viale|Piazza|Corso)\\s${ROMANCE_NAME},?\\s\\d{1,4}(?![\\p{L}\\p{N}])${EU_POSTCODE_CITY}`,
    'gu',
  ),
  new RegExp(
    `(?<![\\p{L}\\p{N}])\\d{1,4}(?:\\s?(?:bis|ter))?,?\\s(?:rue|avenue|boulevard|bd|place|chemin|allée|impasse|quai|route)\\s${ROMANCE_NAME}${EU_POSTCODE_CITY}`,
    'gu',
  ),
  new RegExp(`(?<![\\p{L}\\p{N}])\\p{Lu}\\p{Ll}+(?:\\s\\p{Lu}\\p{Ll}+){0,2},\\s${STATE_ZIP}`, 'gu'),
  /(?<![\p{L}\p{N}])(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) \d[ABD-HJLNP-UW-Z]{2}(?![\p{L}\p{N}])/gu,
  /(?<!\p{L})(?:\p{Lu}\p{Ll}+\s)?\p{Lu}[\p{Ll}ß]{1,30}(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer)\s\d{1,4}[a-z]?(?:,\s\d{5}\s\p{Lu}[\p{Ll}ß]+)?(?![\p{L}\p{N}])/gu,
  /[\u4e00-\u9fff]{2,20}(?:路|街|道|巷|胡同|大道)\d{1,5}[号號](?:[\u4e00-\u9fff\d]{0,10}?(?:室|楼|栋|单元))?/gu,
];

export const detectAddresses: Detector = (text) => {
  const found: Candidate[] = [];
  for (const pattern of PATTERNS) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      found.push({ type: 'address', start: match.index, end: match.index + match[0].length });
    }
  }
  return found;
};
