import { ZenError } from '../core/errors.js';
import type { AnswerType, EvalItem } from './types.js';

/**
 * Where each field of an item is in a dataset's records. The defaults are HLE's own names
 * (`id`, `question`, `image`, `answer`, `answer_type`, `category`); any JSONL or CSV maps its
 * columns here instead.
 */
export interface DatasetMapping {
  id?: string;
  question?: string;
  answer?: string;
  image?: string;
  answerType?: string;
  category?: string;
  /** The answer type of records that carry none (default `exactMatch`). */
  defaultAnswerType?: AnswerType;
}

const HLE_FIELDS = {
  id: 'id',
  question: 'question',
  answer: 'answer',
  image: 'image',
  answerType: 'answer_type',
  category: 'category',
} as const;

/** A bad dataset record: which source, which line or record, and what is wrong. */
export function datasetError(where: string, problem: string): ZenError {
  return new ZenError({ kind: 'invalid_request', retryable: false, message: `dataset ${where}: ${problem}` });
}

/**
 * One record (a parsed JSONL line, a CSV row, an element of a JSON array) as an item, or a
 * ZenError that names the record and the missing field. `where` is e.g. `hle.jsonl line 12`.
 */
export function toEvalItem(record: unknown, mapping: DatasetMapping = {}, where = 'record'): EvalItem {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) throw datasetError(where, 'a record must be an object');
  const fields = { ...HLE_FIELDS, ...definedOnly(mapping) };
  const row = record as Record<string, unknown>;
  const text = (name: string, required: boolean): string | undefined => {
    const value = row[name];
    if (value === undefined || value === null || value === '') {
      if (required) throw datasetError(where, `no '${name}' field (name the field with the dataset mapping)`);
      return undefined;
    }
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (typeof value !== 'string')
      throw datasetError(where, `'${name}' must be a string, got ${Array.isArray(value) ? 'an array' : typeof value}`);
    return value;
  };
  const id = text(fields.id, true)!;
  const question = text(fields.question, true)!;
  const answer = text(fields.answer, true)!;
  const rawType = text(fields.answerType, false);
  const answerType =
    rawType === undefined ? (mapping.defaultAnswerType ?? 'exactMatch') : readAnswerType(rawType, where, fields.answerType);
  const item: EvalItem = { id, question, answer, answerType };
  const image = text(fields.image, false);
  if (image !== undefined) {
    if (!/^(data:image\/|https?:\/\/)/i.test(image))
      throw datasetError(where, `'${fields.image}' must be a data:image URL or an http(s) URL`);
    item.image = image;
  }
  const category = text(fields.category, false);
  if (category !== undefined) item.category = category;
  return item;
}

function readAnswerType(value: string, where: string, field: string): AnswerType {
  const compact = value.replace(/[\s_-]/g, '').toLowerCase();
  if (compact === 'exactmatch' || compact === 'exact') return 'exactMatch';
  if (compact === 'multiplechoice' || compact === 'choice' || compact === 'mc') return 'multipleChoice';
  throw datasetError(where, `'${field}' must be exactMatch or multipleChoice, got '${value}'`);
}

function definedOnly(mapping: DatasetMapping): Partial<Record<keyof typeof HLE_FIELDS, string>> {
  const result: Partial<Record<keyof typeof HLE_FIELDS, string>> = {};
  for (const key of Object.keys(HLE_FIELDS) as Array<keyof typeof HLE_FIELDS>) {
    const value = mapping[key];
    if (typeof value === 'string' && value !== '') result[key] = value;
  }
  return result;
}

/** Checks an item given directly (not read from a file): the same rules as a file's records. */
export function checkEvalItem(item: EvalItem, index: number): EvalItem {
  if (typeof item !== 'object' || item === null) throw datasetError(`item ${index}`, 'must be an object');
  for (const key of ['id', 'question', 'answer'] as const) {
    if (typeof item[key] !== 'string' || item[key] === '') throw datasetError(`item ${index}`, `'${key}' must be a non-empty string`);
  }
  if (item.answerType !== 'exactMatch' && item.answerType !== 'multipleChoice')
    throw datasetError(`item ${index} (${item.id})`, `'answerType' must be exactMatch or multipleChoice, got '${String(item.answerType)}'`);
  return item;
}
