/** The kinds of personal or secret data the redactor finds. */
export type PiiType =
  | 'email'
  | 'phone'
  | 'card'
  | 'iban'
  | 'ip'
  | 'secret'
  | 'jwt'
  | 'ssn'
  | 'cn_id'
  | 'address'
  | 'name';

/** One redacted span, with offsets into the original text (`end` exclusive). */
export interface PiiFinding {
  type: PiiType;
  start: number;
  end: number;
}

/** A span a detector proposes; overlaps between detectors are resolved by type priority. */
export type Candidate = PiiFinding;

/** A detector scans the whole text and proposes validated spans of its type(s). */
export type Detector = (text: string) => Candidate[];
