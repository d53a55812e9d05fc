import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import { JSONParser } from '@streamparser/json';
import { parse as parseCsv } from 'csv-parse';
import { ZenError } from '../core/errors.js';
import { datasetError, toEvalItem, type DatasetMapping } from './dataset.js';
import type { EvalItem } from './types.js';

export type DatasetFormat = 'jsonl' | 'json' | 'csv';

export interface ReadDatasetOptions extends DatasetMapping {
  /** Read from the extension when absent: `.jsonl`/`.ndjson`, `.json`, `.csv`. */
  format?: DatasetFormat;
  /** Turns each raw record into an item instead of the field mapping (return undefined to skip a record). */
  map?: (record: Record<string, unknown>, index: number) => EvalItem | undefined;
}

/**
 * Streams the items of an HLE-format dataset file (Node only). JSONL and CSV are read record by
 * record, and a `.json` file's array element by element, so memory stays flat whatever the file's
 * size. A bad record is a ZenError naming the file, the line
 * and the field.
 */
export async function* readDataset(path: string, options: ReadDatasetOptions = {}): AsyncIterable<EvalItem> {
  const format = options.format ?? formatOf(path);
  await ensureFile(path);
  const name = basename(path);
  const toItem = (record: unknown, index: number, where: string): EvalItem | undefined => {
    if (options.map) {
      if (typeof record !== 'object' || record === null || Array.isArray(record)) throw datasetError(where, 'a record must be an object');
      return options.map(record as Record<string, unknown>, index);
    }
    return toEvalItem(record, options, where);
  };
  if (format === 'jsonl') {
    const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
    let lineNumber = 0;
    let index = 0;
    for await (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      const where = `${name} line ${lineNumber}`;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (error) {
        throw datasetError(where, `not valid JSON (${(error as Error).message})`);
      }
      const item = toItem(record, index++, where);
      if (item) yield item;
    }
    return;
  }
  if (format === 'csv') {
    const parser = createReadStream(path).pipe(parseCsv({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: false }));
    let index = 0;
    try {
      for await (const record of parser as AsyncIterable<Record<string, unknown>>) {
        const item = toItem(record, index, `${name} record ${index + 1}`);
        index += 1;
        if (item) yield item;
      }
    } catch (error) {
      if (ZenError.isInstance(error)) throw error;
      throw datasetError(name, `not valid CSV (${(error as Error).message})`);
    }
    return;
  }
  let index = 0;
  for await (const record of jsonRecords(path, name)) {
    const item = toItem(record, index, `${name} record ${index + 1}`);
    index += 1;
    if (item) yield item;
  }
}

/**
 * The records of a `.json` dataset, one at a time: a streaming parser (@streamparser/json) emits
 * each element of the top-level array (or of `items` / `data` in a top-level object) and keeps
 * none of them, so a 100,000-item file is read in constant memory like JSONL.
 */
async function* jsonRecords(path: string, name: string): AsyncIterable<unknown> {
  const shapeError = () => datasetError(name, 'a .json dataset must hold an array of records (or { "items": [...] })');
  let parser: JSONParser | undefined;
  const ready: unknown[] = [];
  let found = false;
  let root: 'array' | 'object' | undefined;
  try {
    for await (const chunk of createReadStream(path, { encoding: 'utf8' }) as AsyncIterable<string>) {
      if (!parser) {
        const first = chunk.trimStart()[0];
        if (first === undefined) continue;
        root = first === '[' ? 'array' : first === '{' ? 'object' : undefined;
        if (!root) throw shapeError();
        parser = new JSONParser({ paths: root === 'array' ? ['$.*'] : ['$.items.*', '$.data.*'], keepStack: false });
        parser.onValue = ({ value }) => {
          found = true;
          ready.push(value);
        };
      }
      parser.write(chunk);
      while (ready.length > 0) yield ready.shift();
    }
    if (!parser) throw datasetError(name, 'not valid JSON (the file is empty)');
    if (!parser.isEnded) parser.end();
    while (ready.length > 0) yield ready.shift();
  } catch (error) {
    if (ZenError.isInstance(error)) throw error;
    throw datasetError(name, `not valid JSON (${(error as Error).message})`);
  }
  if (root === 'object' && !found) throw shapeError();
}

/** How many items a dataset file holds (read through once, in constant memory). */
export async function countDataset(path: string, options: ReadDatasetOptions = {}): Promise<number> {
  let count = 0;
  for await (const _item of readDataset(path, options)) count += 1;
  return count;
}

function formatOf(path: string): DatasetFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  if (extension === '.json') return 'json';
  if (extension === '.csv') return 'csv';
  throw new ZenError({
    kind: 'invalid_request',
    retryable: false,
    message: `dataset ${basename(path)}: unknown format '${extension || '(none)'}'; use .jsonl, .json or .csv, or say the format`,
  });
}

async function ensureFile(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
  } catch {
    throw new ZenError({ kind: 'invalid_request', retryable: false, message: `dataset ${path}: no such file` });
  }
}
