import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { collectReport } from '../report/collect.js';
import { renderReport } from '../report/render.js';
import { list, text, usageError } from './args.js';

/** Reads the inputs, writes one self-contained HTML file, returns its path. */
export async function writeReport(inputs: string[], output: string, title?: string): Promise<string> {
  const data = await collectReport(inputs, title ? { title } : {});
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, renderReport(data), 'utf8');
  return output;
}

export async function reportCommand(inputs: string[], flags: { out?: string; title?: string }): Promise<number> {
  const paths = (list(inputs) ?? []).map((path) => resolve(path));
  if (paths.length === 0) throw usageError('report needs a results file (zenrouter eval --out) or a ledger (.jsonl, .db)');
  const output = resolve(text(flags.out) ?? 'zenrouter-report.html');
  const title = text(flags.title);
  await writeReport(paths, output, title);
  console.log(`report: ${output}`);
  return 0;
}
