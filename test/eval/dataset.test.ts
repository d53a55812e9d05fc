import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readDataset } from '../../src/eval/read-dataset.js';
import type { EvalItem } from '../../src/eval/types.js';

const dir = mkdtempSync(join(tmpdir(), 'zen-dataset-'));
const run = promisify(execFile);
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

async function all(path: string, options = {}): Promise<EvalItem[]> {
  const items: EvalItem[] = [];
  for await (const item of readDataset(path, options)) items.push(item);
  return items;
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('readDataset', () => {
  it('reads HLE JSONL, JSON and CSV alike', async () => {
    const record = { id: 'q1', question: 'What is 2+2?', image: '', answer: '4', answer_type: 'exactMatch', category: 'Math' };
    const expected = [{ id: 'q1', question: 'What is 2+2?', answer: '4', answerType: 'exactMatch', category: 'Math' }];
    expect(await all(file('a.jsonl', `${JSON.stringify(record)}\n\n`))).toEqual(expected);
    expect(await all(file('a.json', JSON.stringify([record])))).toEqual(expected);
    expect(await all(file('a.csv', 'id,question,image,answer,answer_type,category\nq1,What is 2+2?,,4,exactMatch,Math\n'))).toEqual(
      expected,
    );
  });

  it('maps any JSONL by field names, or by a function', async () => {
    const path = file('mapped.jsonl', '{"qid":7,"prompt":"Capital of France?","gold":"Paris","subject":"Geo"}\n');
    expect(await all(path, { id: 'qid', question: 'prompt', answer: 'gold', category: 'subject' })).toEqual([
      { id: '7', question: 'Capital of France?', answer: 'Paris', answerType: 'exactMatch', category: 'Geo' },
    ]);
    expect(
      await all(path, {
        map: (row: Record<string, unknown>) => ({
          id: `x${String(row.qid)}`,
          question: String(row.prompt),
          answer: String(row.gold),
          answerType: 'exactMatch' as const,
        }),
      }),
    ).toEqual([{ id: 'x7', question: 'Capital of France?', answer: 'Paris', answerType: 'exactMatch' }]);
  });

  it('names the file, the line and the field of a bad record', async () => {
    await expect(all(file('bad.jsonl', '{"id":"a","question":"q","answer":"1"}\n{"id":"b","question":"q"}\n'))).rejects.toThrow(
      /bad\.jsonl line 2: no 'answer' field/,
    );
    await expect(all(file('broken.jsonl', '{"id":\n'))).rejects.toThrow(/broken\.jsonl line 1: not valid JSON/);
    await expect(all(file('type.jsonl', '{"id":"a","question":"q","answer":"1","answer_type":"essay"}\n'))).rejects.toThrow(
      /exactMatch or multipleChoice, got 'essay'/,
    );
    await expect(all(file('img.jsonl', '{"id":"a","question":"q","answer":"1","image":"file:///etc/passwd"}\n'))).rejects.toThrow(
      /data:image URL/,
    );
    await expect(all(join(dir, 'missing.jsonl'))).rejects.toThrow(/no such file/);
    await expect(all(file('data.txt', 'x'))).rejects.toThrow(/unknown format '.txt'/);
  });

  it('reads a .json dataset held under items or data, and refuses other shapes', async () => {
    const record = { id: 'q1', question: 'Q?', answer: 'A' };
    const expected = [{ id: 'q1', question: 'Q?', answer: 'A', answerType: 'exactMatch' }];
    expect(await all(file('items.json', JSON.stringify({ name: 'set', items: [record] })))).toEqual(expected);
    expect(await all(file('data.json', JSON.stringify({ data: [record, { ...record, id: 'q2' }] })))).toHaveLength(2);
    expect(await all(file('empty.json', '[]'))).toEqual([]);
    await expect(all(file('object.json', '{"questions":[]}'))).rejects.toThrow(
      /object\.json: a \.json dataset must hold an array of records/,
    );
    await expect(all(file('number.json', '42'))).rejects.toThrow(/number\.json: a \.json dataset must hold an array/);
    await expect(all(file('blank.json', '  \n'))).rejects.toThrow(/blank\.json: not valid JSON \(the file is empty\)/);
    await expect(all(file('cut.json', '[{"id":"a","question":"q","answer":"1"}, {"id":'))).rejects.toThrow(/cut\.json: not valid JSON/);
    await expect(all(file('badrec.json', '[{"id":"a","question":"q","answer":"1"}, {"id":"b","question":"q"}]'))).rejects.toThrow(
      /badrec\.json record 2: no 'answer' field/,
    );
  });

  it.each(['jsonl', 'json'] as const)(
    'streams 100,000 items (200 MB of .%s) in a 64 MB heap',
    async (format) => {
      // By structure: the reader is run in a child Node with a 64 MB old space; loading the file
      // whole would not fit, reading it record by record does.
      const path = join(dir, `big.${format}`);
      const filler = 'x'.repeat(2_000);
      const lines: string[] = [];
      for (let k = 0; k < 100_000; k += 1)
        lines.push(
          JSON.stringify({ id: `q${k}`, question: `${filler} ${k}`, answer: String(k), answer_type: 'exactMatch', category: 'Math' }),
        );
      writeFileSync(path, format === 'jsonl' ? `${lines.join('\n')}\n` : `[\n${lines.join(',\n')}\n]\n`);
      lines.length = 0;
      const script = file(
        `count-${format}.mts`,
        `import { readDataset } from ${JSON.stringify(fileURLToPath(new URL('../../src/eval/read-dataset.ts', import.meta.url)))};
let count = 0; let peak = 0; let last = '';
for await (const item of readDataset(${JSON.stringify(path)})) { count += 1; last = item.answer; if (count % 5000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed); }
console.log(JSON.stringify({ count, last, peakMb: Math.round(peak / 1e6) }));`,
      );
      const { stdout } = await run(tsx, [script], { env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=64' }, timeout: 120_000 });
      const result = JSON.parse(stdout.trim().split('\n').pop()!) as { count: number; last: string; peakMb: number };
      expect(result.count).toBe(100_000);
      expect(result.last).toBe('99999');
      expect(result.peakMb).toBeLessThan(64);
    },
    150_000,
  );
});
