/**
 * RouterBench's per-prompt results (correctness, cost and answer of 11 models on ARC, MBPP and
 * Winogrande), read from CSV files with one header each. The data is not part of this repository:
 * ../shared/data/routerbench, or ZEN_ROUTERBENCH_DIR.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

export const MODELS = [
  'WizardLM/WizardLM-13B-V1.2',
  'claude-instant-v1',
  'claude-v1',
  'claude-v2',
  'gpt-3.5-turbo-1106',
  'gpt-4-1106-preview',
  'meta/code-llama-instruct-34b-chat',
  'meta/llama-2-70b-chat',
  'mistralai/mistral-7b-chat',
  'mistralai/mixtral-8x7b-chat',
  'zero-one-ai/Yi-34B-Chat',
] as const;
export type RouterBenchModel = (typeof MODELS)[number];
/** The best single model, the reference of the targets. */
export const REFERENCE: RouterBenchModel = 'gpt-4-1106-preview';

export interface Row {
  id: string;
  task: string;
  prompt: string;
  correct: Record<string, number>;
  cost: Record<string, number>;
  /** Each model's answer text, for the checks a cascade runs on it. */
  answers: Record<string, string>;
}

export const TRAINING_FILES = ['arc_challenge_train.csv', 'mbpp_train.csv', 'winograde_train.csv'];

export function dataDir(): string {
  const candidates = [process.env.ZEN_ROUTERBENCH_DIR, fileURLToPath(new URL('../../../shared/data/routerbench/', import.meta.url))];
  const found = candidates.find((candidate) => candidate && existsSync(candidate));
  if (!found) throw new Error('RouterBench data not found: set ZEN_ROUTERBENCH_DIR.');
  return found.endsWith('/') ? found : `${found}/`;
}

/** The prompt and answer columns hold a Python list literal of one string; keep its text. */
export function listText(cell: string): string {
  const match = /^\[\s*(['"])([\s\S]*)\1\s*\]$/.exec(cell.trim());
  if (!match) return cell;
  return match[2]!.replace(/\\n/g, '\n').replace(/\\'/g, "'").replace(/\\"/g, '"').replace(/\\\\/g, '\\');
}

/**
 * The complete rows of one file: a few cells are empty ("unknown"), and such prompts can't be
 * scored fairly for every strategy, so they are left out (and counted).
 */
export function readRows(path: string): { rows: Row[]; incomplete: number } {
  const records = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true, relax_quotes: true }) as Array<
    Record<string, string>
  >;
  const rows: Row[] = [];
  let incomplete = 0;
  for (const record of records) {
    const correct: Record<string, number> = {};
    const cost: Record<string, number> = {};
    const answers: Record<string, string> = {};
    let complete = record.prompt !== undefined && record.sample_id !== undefined;
    for (const model of MODELS) {
      const score = record[model];
      const price = record[`${model}|total_cost`];
      if (score === undefined || score === '' || price === undefined || price === '') complete = false;
      correct[model] = Number(score);
      cost[model] = Number(price);
      answers[model] = listText(record[`${model}|model_response`] ?? '');
    }
    if (complete) rows.push({ id: record.sample_id!, task: record.eval_name!, prompt: listText(record.prompt!), correct, cost, answers });
    else incomplete += 1;
  }
  return { rows, incomplete };
}
