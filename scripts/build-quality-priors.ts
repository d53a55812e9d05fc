/**
 * Rebuilds src/policy/quality-models/benchmark-priors.ts, the per-model, per-category quality
 * priors of the default quality model, from public benchmark results with open licences:
 *
 *   - Aider's polyglot coding leaderboard (Aider-AI/aider, Apache-2.0):
 *     aider/website/_data/polyglot_leaderboard.yml
 *   - OpenAI simple-evals' results table (openai/simple-evals, MIT): README.md
 *     (MMLU, GPQA, MATH, HumanEval, MGSM, DROP)
 *   - Arena-Hard-Auto v2.0 (lmarena/arena-hard-auto, Apache-2.0): README.md (hard prompts and
 *     creative writing, official configuration)
 *
 * Usage, with clones of the three repositories side by side in one folder:
 *
 *   git clone https://github.com/Aider-AI/aider          sources/aider
 *   git clone https://github.com/openai/simple-evals     sources/simple-evals
 *   git clone https://github.com/lmarena/arena-hard-auto sources/arena-hard-auto
 *   npx tsx scripts/build-quality-priors.ts --sources sources     # or ZEN_PRIORS_SOURCES=sources
 *
 * Each source's revision (commit and date) is read with git; a copy that is not a git checkout
 * needs a REVISION file (`<commit> <YYYY-MM-DD>`) at its root. The output is committed; this script
 * is not run by the build or the tests. Not used, for want of an open licence: LiveBench's
 * leaderboard tables (livebench.github.io has no licence), Vellum and Artificial Analysis.
 *
 * How figures become priors (ability on the logit scale: P(good answer to a typical prompt of the
 * category) = σ(ability)):
 *   1. Each category has an anchor benchmark whose items look like typical requests: HumanEval
 *      (code), MMLU (reasoning), DROP (extraction); MATH for math, counted 2.5 logits harder than a
 *      typical math request (its problems come from competitions). ability = logit(score) + offset.
 *   2. Other benchmarks of the category are mapped onto the anchor by a line fitted on the models
 *      both measured (logit(score) = slope·ability + intercept); its residual spread is their
 *      uncertainty. Arena-Hard win rates (chat, creative) have no anchor: they are put on the scale
 *      of a model's general ability (same mean and spread over the models both cover).
 *   3. A model's categories are pooled into a general ability (an additive model: ability =
 *      general + category mean), which fills the categories it has no figure for, with the
 *      additive model's residual spread added to the uncertainty.
 * Scores are clamped to [0.02, 0.98] before the logit (a saturated benchmark says little).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { BENCHMARKS, CATEGORIES, derive, type Figure, type Source } from './quality-priors/derive.js';
import { AIDER_NAMES, ARENA_NAMES, SIMPLE_EVALS_NAMES } from './quality-priors/names.js';

function fail(message: string): never {
  console.error(`build-quality-priors: ${message}`);
  process.exit(1);
}

function revision(dir: string, file: string): { commit: string; date: string } {
  const pinned = join(dir, 'REVISION');
  if (existsSync(pinned)) {
    const [commit, date] = readFileSync(pinned, 'utf8').trim().split(/\s+/);
    if (!commit || !date) fail(`${pinned} must hold "<commit> <YYYY-MM-DD>"`);
    return { commit, date };
  }
  try {
    const commit = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const date = execFileSync('git', ['-C', dir, 'log', '-1', '--format=%cs', '--', file], { encoding: 'utf8' }).trim();
    return { commit, date };
  } catch {
    return fail(`${dir} is not a git checkout and has no REVISION file`);
  }
}

function source(dir: string, id: string, title: string, url: string, licence: string, file: string): Source & { text: string } {
  const path = join(dir, file);
  if (!existsSync(path)) fail(`missing ${path} (see the usage at the top of this script)`);
  return { id, title, url, licence, file, ...revision(dir, file), text: readFileSync(path, 'utf8') };
}

function aiderFigures(src: Source & { text: string }): Figure[] {
  const entries = parseYaml(src.text) as Array<{ model: string; pass_rate_2: number; date: string | Date }>;
  const figures: Figure[] = [];
  for (const entry of entries) {
    const model = AIDER_NAMES[entry.model];
    if (!model) continue;
    const date = entry.date instanceof Date ? entry.date.toISOString().slice(0, 10) : String(entry.date);
    figures.push({
      model,
      benchmark: 'aider-polyglot',
      score: entry.pass_rate_2 / 100,
      date,
      source: src.id,
      licence: src.licence,
      name: entry.model,
    });
  }
  return figures;
}

function simpleEvalsFigures(src: Source & { text: string }): Figure[] {
  const columns = ['mmlu', 'gpqa', 'math', 'humaneval', 'mgsm', 'drop'];
  const used = new Set(BENCHMARKS.map((benchmark) => benchmark.id));
  const figures: Figure[] = [];
  for (const line of src.text.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    // | model | prompt | MMLU | GPQA | MATH | HumanEval | MGSM | DROP | SimpleQA
    const name =
      cells[0]
        ?.replace(/\[\^\d+\]/g, '')
        .replace(/^\[([^\]]+)\]\(.*\)$/, '$1')
        .trim() ?? '';
    const model = SIMPLE_EVALS_NAMES[name];
    if (!model) continue;
    columns.forEach((benchmark, k) => {
      const value = Number.parseFloat(cells[2 + k] ?? '');
      if (Number.isFinite(value) && used.has(benchmark))
        figures.push({ model, benchmark, score: value / 100, date: src.date, source: src.id, licence: src.licence, name });
    });
  }
  return figures;
}

/** The leaderboard that follows `heading` in the README (a console block of `rank model score (CI)` rows). */
function arenaFigures(src: Source & { text: string }, heading: string, benchmark: string, date: string): Figure[] {
  const start = src.text.indexOf(heading);
  if (start < 0) fail(`${src.file}: no section "${heading}"`);
  const block = src.text.slice(src.text.indexOf('```', start) + 3);
  const rows = block.slice(0, block.indexOf('```')).split('\n');
  const figures: Figure[] = [];
  for (const row of rows) {
    const match = /^\s*\d+\s+(\S+)\s+([\d.]+)\s+\(/.exec(row);
    if (!match) continue;
    const model = ARENA_NAMES[match[1]!];
    if (model)
      figures.push({ model, benchmark, score: Number(match[2]) / 100, date, source: src.id, licence: src.licence, name: match[1]! });
  }
  if (figures.length === 0) fail(`${src.file}: no rows under "${heading}"`);
  return figures;
}

function main(): void {
  const args = process.argv.slice(2);
  const at = args.indexOf('--sources');
  const root =
    (at >= 0 ? args[at + 1] : undefined) ?? process.env.ZEN_PRIORS_SOURCES ?? fail('pass --sources <dir> (or set ZEN_PRIORS_SOURCES)');
  const aider = source(
    join(root, 'aider'),
    'aider-polyglot',
    "Aider's polyglot coding leaderboard",
    'https://github.com/Aider-AI/aider',
    'Apache-2.0',
    'aider/website/_data/polyglot_leaderboard.yml',
  );
  const simpleEvals = source(
    join(root, 'simple-evals'),
    'simple-evals',
    'OpenAI simple-evals results table',
    'https://github.com/openai/simple-evals',
    'MIT',
    'README.md',
  );
  const arena = source(
    join(root, 'arena-hard-auto'),
    'arena-hard-auto',
    'Arena-Hard-Auto v2.0 leaderboard (style control, Gemini-2.5 judge)',
    'https://github.com/lmarena/arena-hard-auto',
    'Apache-2.0',
    'README.md',
  );
  // The v2.0 leaderboard was published with the release (README: "[Apr 23, 2025] Arena-Hard-v2.0").
  const arenaDate = /\[(\w{3} \d{1,2}, \d{4})\]\D*Arena-Hard-v2\.0/.exec(arena.text)?.[1];
  const arenaDay = arenaDate ? new Date(`${arenaDate} UTC`).toISOString().slice(0, 10) : arena.date;
  const figures = [
    ...aiderFigures(aider),
    ...simpleEvalsFigures(simpleEvals),
    ...arenaFigures(arena, 'Hard Prompt, Style Control, and Gemini-2.5 as Judge', 'arena-hard-v2', arenaDay),
    ...arenaFigures(arena, 'Creative Writing, Ensemble GPT-4.1 and Gemini 2.5 as Judges', 'arena-hard-v2-creative', arenaDay),
  ].sort((a, b) => a.model.localeCompare(b.model) || a.benchmark.localeCompare(b.benchmark));
  const { cells, notes, fallback } = derive(figures);
  const sources: Source[] = [aider, simpleEvals, arena].map(({ text: _text, ...rest }) => rest);
  const round = (value: number): number => Math.round(value * 100) / 100;
  const priors = Object.fromEntries(
    [...cells]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([model, row]) => [
        model,
        Object.fromEntries(
          CATEGORIES.map((category) => {
            const cell = row.get(category)!;
            return [category, [round(cell.ability), round(cell.sd), cell.from.join('+')]];
          }),
        ),
      ]),
  );
  const out = fileURLToPath(new URL('../src/policy/quality-models/benchmark-priors.ts', import.meta.url));
  const body = [
    '// Generated by scripts/build-quality-priors.ts from the sources below; do not edit by hand.',
    '// Rebuild: npx tsx scripts/build-quality-priors.ts --sources <dir> (see the script for the layout).',
    '',
    "import type { TaskCategory } from '../analyze-prompt.js';",
    '',
    '/** Where every figure comes from: repository, file, revision and licence. */',
    `export const PRIOR_SOURCES = ${JSON.stringify(sources, null, 2)} as const;`,
    '',
    '/**',
    ' * Every figure the priors are derived from: model (catalog id), benchmark, score (0..1), the date',
    " * it was measured (the leaderboard entry's date, else the source revision's), its source and licence,",
    " * and the model's name in the source.",
    ' */',
    `export const PRIOR_FIGURES: ReadonlyArray<{ model: string; benchmark: string; score: number; date: string; source: string; licence: string; name: string }> = ${JSON.stringify(figures)};`,
    '',
    '/** How the figures were put on one scale (fits and their residual spread). */',
    `export const PRIOR_NOTES: readonly string[] = ${JSON.stringify(notes, null, 2)};`,
    '',
    '/**',
    ' * Per model and category: [ability, sd, from]. Ability is on the logit scale: σ(ability) is the',
    ' * expected chance of a good answer to a typical prompt of the category; sd is its uncertainty;',
    ' * `from` names the benchmarks behind it (`general ability` when the category had no figure).',
    ' */',
    `export const BENCHMARK_PRIORS: Readonly<Record<string, Readonly<Record<TaskCategory, readonly [number, number, string]>>>> = ${JSON.stringify(priors)};`,
    '',
    '/** For models no figure covers: a middling model of each category, with a wide uncertainty. */',
    `export const UNINFORMATIVE_PRIORS: Readonly<Record<TaskCategory, readonly [number, number, string]>> = ${JSON.stringify(Object.fromEntries(CATEGORIES.map((category) => [category, [round(fallback[category].ability), fallback[category].sd, 'uninformative']])))};`,
    '',
  ].join('\n');
  writeFileSync(out, body);
  console.log(`${figures.length} figures, ${cells.size} models → ${out}`);
  for (const note of notes) console.log(`  ${note}`);
}

main();
