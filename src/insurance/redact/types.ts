import type { RedactionLibraries } from './libraries.js';

/** The kinds of personal or secret data the redactor finds. */
export type PiiType = 'email' | 'phone' | 'card' | 'iban' | 'ip' | 'secret' | 'jwt' | 'ssn' | 'cn_id' | 'address' | 'name';

/** One redacted span, with offsets into the original text (`end` exclusive). */
export interface PiiFinding {
  type: PiiType;
  start: number;
  end: number;
}

/** A span a detector proposes; overlaps between detectors are resolved by type priority. */
export interface Candidate extends PiiFinding {
  /** A phone number taken by its shape alone (past the scan budget): yields to every other span. */
  byShape?: boolean;
}

/** A detector scans a text and proposes spans of its type(s), validated with the loaded libraries. */
export type Detector = (text: string, libraries: RedactionLibraries) => Candidate[];
