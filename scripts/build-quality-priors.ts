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

type Category = 'code' | 'math' | 'reasoning' | 'extraction' | 'creative' | 'chat';
const CATEGORIES: Category[] = ['code', 'math', 'reasoning', 'extraction', 'creative', 'chat'];

interface Source {
  id: string;
  title: string;
  url: string;
  licence: string;
  file: string;
  commit: string;
  date: string;
}

interface Figure {
  model: string;
  benchmark: string;
  /** 0..1 */
  score: number;
  /** When the figure was measured (the leaderboard entry's date), or the source revision's date. */
  date: string;
  source: string;
  licence: string;
  /** The model's name in the source. */
  name: string;
}

interface Benchmark {
  id: string;
  category: Category;
  /** Anchor of its category, this many logits harder than a typical prompt: ability = logit(score) + offset. */
  anchorOffset?: number;
  /**
   * A saturated anchor: it sets the scale, but its figures weigh as little as their fit to the
   * category's other benchmark says (which then counts as a direct measurement).
   */
  weak?: boolean;
}

const BENCHMARKS: Benchmark[] = [
  { id: 'humaneval', category: 'code', anchorOffset: 0, weak: true },
  { id: 'aider-polyglot', category: 'code' },
  // MGSM is left out: at 87-94 % for nearly every model it separates none (its fit to MATH had a
  // residual of 1.5 logits).
  { id: 'math', category: 'math', anchorOffset: 2.5 },
  { id: 'mmlu', category: 'reasoning', anchorOffset: 0 },
  { id: 'gpqa', category: 'reasoning' },
  { id: 'drop', category: 'extraction', anchorOffset: 0 },
  { id: 'arena-hard-v2', category: 'chat' },
  { id: 'arena-hard-v2-creative', category: 'creative' },
];

/**
 * Source names → catalog model ids. Only entries run with the model's default settings where the
 * source has several (e.g. `gpt-5 (medium)`, not `(high)`); names not listed are left out.
 */
const AIDER_NAMES: Record<string, string> = {
  'gpt-5 (medium)': 'openai/gpt-5',
  'o3-pro (high)': 'openai/o3-pro',
  'gemini-2.5-pro-preview-06-05 (default think)': 'google/gemini-2.5-pro',
  o3: 'openai/o3',
  'o4-mini (high)': 'openai/o4-mini',
  'claude-opus-4-20250514 (no think)': 'anthropic/claude-opus-4-20250514',
  'claude-sonnet-4-20250514 (no thinking)': 'anthropic/claude-sonnet-4-20250514',
  'claude-3-7-sonnet-20250219 (no thinking)': 'anthropic/claude-3-7-sonnet-20250219',
  'claude-3-5-sonnet-20241022': 'anthropic/claude-3-5-sonnet-20241022',
  'claude-3-5-haiku-20241022': 'anthropic/claude-3-5-haiku-20241022',
  // The API aliases serve the newest DeepSeek model: the newest entry run through each alias.
  'DeepSeek-V3.2-Exp (Reasoner)': 'deepseek/deepseek-reasoner',
  'DeepSeek-V3.2-Exp (Chat)': 'deepseek/deepseek-chat',
  'grok-4 (high)': 'xai/grok-4',
  'Grok 3 Beta': 'xai/grok-3',
  'Grok 3 Mini Beta (low)': 'xai/grok-3-mini',
  'gpt-4.1': 'openai/gpt-4.1',
  'gpt-4.1-mini': 'openai/gpt-4.1-mini',
  'gpt-4.1-nano': 'openai/gpt-4.1-nano',
  'o3-mini (medium)': 'openai/o3-mini',
  'o1-2024-12-17 (high)': 'openai/o1',
  'o1-mini-2024-09-12': 'openai/o1-mini',
  'gpt-4o-2024-08-06': 'openai/gpt-4o',
  'gpt-4o-mini-2024-07-18': 'openai/gpt-4o-mini',
  'gpt-4.5-preview': 'openai/gpt-4.5-preview',
  'gemini-2.5-flash-preview-05-20 (24k think)': 'google/gemini-2.5-flash',
  'gemini-2.0-flash-exp': 'google/gemini-2.0-flash',
  'Qwen3 235B A22B diff, no think, Alibaba API': 'alibaba/qwen3-235b-a22b',
  'Qwen3 32B': 'alibaba/qwen3-32b',
  'Kimi K2': 'moonshotai/kimi-k2-0711-preview',
  'Llama 4 Maverick': 'meta/llama-4-maverick-17b-128e-instruct-fp8',
  'gemma-3-27b-it': 'google/gemma-3-27b-it',
  'gpt-oss-120b (high)': 'openai/gpt-oss-120b',
};

const SIMPLE_EVALS_NAMES: Record<string, string> = {
  o3: 'openai/o3',
  'o4-mini': 'openai/o4-mini',
  'o3-mini': 'openai/o3-mini',
  o1: 'openai/o1',
  'o1-preview': 'openai/o1-preview',
  'o1-mini': 'openai/o1-mini',
  'gpt-4.1-2025-04-14': 'openai/gpt-4.1',
  'gpt-4.1-mini-2025-04-14': 'openai/gpt-4.1-mini',
  'gpt-4.1-nano-2025-04-14': 'openai/gpt-4.1-nano',
  'gpt-4o-2024-08-06': 'openai/gpt-4o',
  'gpt-4o-mini-2024-07-18': 'openai/gpt-4o-mini',
  'gpt-4.5-preview-2025-02-27': 'openai/gpt-4.5-preview',
  'gpt-4-turbo-2024-04-09': 'openai/gpt-4-turbo',
  'gpt-4-1106-preview': 'openai/gpt-4-1106-preview',
  'Claude 3.5 Sonnet': 'anthropic/claude-3-5-sonnet-20240620',
  'Claude 3 Opus': 'anthropic/claude-3-opus-20240229',
  'Llama 3.1 405b': 'meta/llama-3.1-405b-instruct',
  'Llama 3.1 70b': 'meta/llama-3.1-70b-instruct',
  'Llama 3.1 8b': 'meta/llama-3.1-8b-instruct',
  'Grok 2': 'xai/grok-2',
  'Grok 2 mini': 'xai/grok-2-mini',
  'Gemini 1.5 Pro': 'google/gemini-1.5-pro',
  'Gemini 1.5 Flash': 'google/gemini-1.5-flash',
};

const ARENA_NAMES: Record<string, string> = {
  'o3-2025-04-16': 'openai/o3',
  'o4-mini-2025-04-16': 'openai/o4-mini',
  'gemini-2.5': 'google/gemini-2.5-pro',
  'gemini-2.5-flash': 'google/gemini-2.5-flash',
  'o3-mini-2025-01-31': 'openai/o3-mini',
  'o1-2024-12-17': 'openai/o1',
  'Qwen3-235B-A22B': 'alibaba/qwen3-235b-a22b',
  'gpt-4.5-preview': 'openai/gpt-4.5-preview',
  'gpt-4.1': 'openai/gpt-4.1',
  'gpt-4.1-mini': 'openai/gpt-4.1-mini',
  'gpt-4.1-nano': 'openai/gpt-4.1-nano',
  'Qwen3-32B': 'alibaba/qwen3-32b',
  'claude-3-5-sonnet-20241022': 'anthropic/claude-3-5-sonnet-20241022',
  'llama4-maverick-instruct-basic': 'meta/llama-4-maverick-17b-128e-instruct-fp8',
  'gemma-3-27b-it': 'google/gemma-3-27b-it',
  'gemini-2.0-flash-001': 'google/gemini-2.0-flash',
};

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
    figures.push({ model, benchmark: 'aider-polyglot', score: entry.pass_rate_2 / 100, date, source: src.id, licence: src.licence, name: entry.model });
  }
  return figures;
}

function simpleEvalsFigures(src: Source & { text: string }): Figure[] {
  const columns = ['mmlu', 'gpqa', 'math', 'humaneval', 'mgsm', 'drop'];
  const used = new Set(BENCHMARKS.map((benchmark) => benchmark.id));
  const figures: Figure[] = [];
  for (const line of src.text.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    // | model | prompt | MMLU | GPQA | MATH | HumanEval | MGSM | DROP | SimpleQA
    const name = cells[0]?.replace(/\[\^\d+\]/g, '').replace(/^\[([^\]]+)\]\(.*\)$/, '$1').trim() ?? '';
    const model = SIMPLE_EVALS_NAMES[name];
    if (!model) continue;
    columns.forEach((benchmark, k) => {
      const value = Number.parseFloat(cells[2 + k] ?? '');
      if (Number.isFinite(value) && used.has(benchmark)) figures.push({ model, benchmark, score: value / 100, date: src.date, source: src.id, licence: src.licence, name });
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
    if (model) figures.push({ model, benchmark, score: Number(match[2]) / 100, date, source: src.id, licence: src.licence, name: match[1]! });
  }
  if (figures.length === 0) fail(`${src.file}: no rows under "${heading}"`);
  return figures;
}

const logit = (p: number): number => {
  const q = Math.min(0.98, Math.max(0.02, p));
  return Math.log(q / (1 - q));
};
const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
const spread = (values: number[]): number => {
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / Math.max(1, values.length - 1));
};

/** Least squares y = slope·x + intercept, and the residual spread of x predicted back from y. */
function fitLine(pairs: Array<[number, number]>): { slope: number; intercept: number; residual: number } {
  const xs = pairs.map(([x]) => x);
  const ys = pairs.map(([, y]) => y);
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  const slope = Math.min(4, Math.max(0.25, sxy / (sxx || 1)));
  const intercept = my - slope * mx;
  const residual = spread(pairs.map(([x, y]) => x - (y - intercept) / slope));
  return { slope, intercept, residual };
}

interface Cell {
  ability: number;
  sd: number;
  from: string[];
}

/** Inverse-variance pooling of several estimates of one ability. */
function pool(estimates: Array<{ ability: number; sd: number; from: string }>): Cell {
  let weight = 0;
  let sum = 0;
  for (const estimate of estimates) {
    const w = 1 / estimate.sd ** 2;
    weight += w;
    sum += w * estimate.ability;
  }
  return { ability: sum / weight, sd: Math.sqrt(1 / weight), from: [...new Set(estimates.map((estimate) => estimate.from))] };
}

/** One figure's own uncertainty on the ability scale: a benchmark run is not the model's every answer. */
const ANCHOR_SD = 0.3;
const MIN_FIT_SD = 0.3;

function derive(figures: Figure[]): { cells: Map<string, Map<Category, Cell>>; notes: string[]; fallback: Record<Category, Cell> } {
  const notes: string[] = [];
  // Several figures of one model on one benchmark (entries re-run): keep the newest.
  const latest = new Map<string, Figure>();
  for (const figure of figures) {
    const key = `${figure.model}\u0000${figure.benchmark}`;
    const seen = latest.get(key);
    if (!seen || figure.date > seen.date) latest.set(key, figure);
  }
  const byBenchmark = new Map<string, Map<string, number>>();
  for (const figure of latest.values()) {
    if (!byBenchmark.has(figure.benchmark)) byBenchmark.set(figure.benchmark, new Map());
    byBenchmark.get(figure.benchmark)!.set(figure.model, figure.score);
  }
  const estimates = new Map<string, Map<Category, Array<{ ability: number; sd: number; from: string }>>>();
  const addEstimate = (model: string, category: Category, ability: number, sd: number, from: string): void => {
    if (!estimates.has(model)) estimates.set(model, new Map());
    const cells = estimates.get(model)!;
    if (!cells.has(category)) cells.set(category, []);
    cells.get(category)!.push({ ability, sd, from });
  };
  // 1. anchors
  const anchored = new Map<Category, Map<string, number>>();
  for (const benchmark of BENCHMARKS.filter((b) => b.anchorOffset !== undefined)) {
    const scores = byBenchmark.get(benchmark.id) ?? new Map<string, number>();
    const abilities = new Map<string, number>();
    for (const [model, score] of scores) {
      const ability = logit(score) + benchmark.anchorOffset!;
      abilities.set(model, ability);
      addEstimate(model, benchmark.category, ability, ANCHOR_SD, benchmark.id);
    }
    anchored.set(benchmark.category, abilities);
  }
  // 2. the other benchmarks of anchored categories, fitted on the models both cover
  for (const benchmark of BENCHMARKS.filter((b) => b.anchorOffset === undefined && anchored.has(b.category))) {
    const scores = byBenchmark.get(benchmark.id) ?? new Map<string, number>();
    const anchor = anchored.get(benchmark.category)!;
    const pairs: Array<[number, number]> = [];
    for (const [model, score] of scores) if (anchor.has(model)) pairs.push([anchor.get(model)!, logit(score)]);
    if (pairs.length < 4) {
      notes.push(`${benchmark.id}: only ${pairs.length} models shared with its anchor, not used`);
      continue;
    }
    const fit = fitLine(pairs);
    let sd = Math.max(MIN_FIT_SD, fit.residual);
    const anchorBenchmark = BENCHMARKS.find((b) => b.category === benchmark.category && b.anchorOffset !== undefined)!;
    if (anchorBenchmark.weak) {
      for (const list of estimates.values()) for (const estimate of list.get(benchmark.category) ?? []) if (estimate.from === anchorBenchmark.id) estimate.sd = sd;
      sd = ANCHOR_SD;
    }
    notes.push(`${benchmark.id}: logit(score) = ${fit.slope.toFixed(2)}·ability ${fit.intercept >= 0 ? '+' : '−'} ${Math.abs(fit.intercept).toFixed(2)} over ${pairs.length} shared models, residual ${fit.residual.toFixed(2)}`);
    for (const [model, score] of scores) addEstimate(model, benchmark.category, (logit(score) - fit.intercept) / fit.slope, sd, benchmark.id);
  }
  // 3. the additive model over the anchored categories: ability = general[model] + level[category]
  const anchoredCells = new Map<string, Map<Category, Cell>>();
  for (const [model, cells] of estimates) {
    const pooled = new Map<Category, Cell>();
    for (const [category, list] of cells) pooled.set(category, pool(list));
    anchoredCells.set(model, pooled);
  }
  const additive = fitAdditive(anchoredCells);
  notes.push(`additive model over ${anchoredCells.size} models: residual ${additive.residual.toFixed(2)}`);
  // 4. arena win rates (no anchor): on the scale of general ability, same mean and spread
  for (const benchmark of BENCHMARKS.filter((b) => b.anchorOffset === undefined && !anchored.has(b.category))) {
    const scores = byBenchmark.get(benchmark.id) ?? new Map<string, number>();
    const shared = [...scores].filter(([model]) => additive.general.has(model));
    if (shared.length < 4) {
      notes.push(`${benchmark.id}: only ${shared.length} models with a general ability, not used`);
      continue;
    }
    const general = shared.map(([model]) => additive.general.get(model)! + additive.overall);
    const logits = shared.map(([, score]) => logit(score));
    const slope = spread(general) / spread(logits);
    const intercept = mean(general) - slope * mean(logits);
    const residual = spread(shared.map(([, score], k) => slope * logit(score) + intercept - general[k]!));
    const sd = Math.max(MIN_FIT_SD, residual);
    notes.push(`${benchmark.id}: ability = ${slope.toFixed(2)}·logit(win rate) ${intercept >= 0 ? '+' : '−'} ${Math.abs(intercept).toFixed(2)} over ${shared.length} models, residual ${residual.toFixed(2)}`);
    for (const [model, score] of scores) addEstimate(model, benchmark.category, slope * logit(score) + intercept, sd, benchmark.id);
  }
  // 5. pool every estimate; fill the missing categories from the additive model (refitted with all)
  const measured = new Map<string, Map<Category, Cell>>();
  for (const [model, cells] of estimates) {
    const pooled = new Map<Category, Cell>();
    for (const [category, list] of cells) pooled.set(category, pool(list));
    measured.set(model, pooled);
  }
  const full = fitAdditive(measured);
  const cells = new Map<string, Map<Category, Cell>>();
  for (const [model, known] of measured) {
    const row = new Map<Category, Cell>();
    const generalSd = full.residual / Math.sqrt(known.size);
    for (const category of CATEGORIES) {
      const cell = known.get(category);
      if (cell) row.set(category, cell);
      else {
        row.set(category, {
          ability: full.general.get(model)! + full.level.get(category)!,
          sd: Math.sqrt(full.residual ** 2 + generalSd ** 2),
          from: ['general ability'],
        });
      }
    }
    cells.set(model, row);
  }
  // The explicit fallback for a model no figure covers: a middling model, with a wide spread.
  const fallback = Object.fromEntries(
    CATEGORIES.map((category) => {
      const known = [...measured.values()].flatMap((row) => (row.has(category) ? [row.get(category)!.ability] : []));
      const sorted = known.sort((a, b) => a - b);
      return [category, { ability: sorted[Math.floor(sorted.length / 2)]!, sd: 1.5, from: ['uninformative'] }];
    }),
  ) as Record<Category, Cell>;
  return { cells, notes, fallback };
}

/** Alternating least squares for ability[model][category] ≈ general[model] + level[category]. */
function fitAdditive(cells: Map<string, Map<Category, Cell>>): { general: Map<string, number>; level: Map<Category, number>; overall: number; residual: number } {
  const general = new Map<string, number>([...cells.keys()].map((model) => [model, 0]));
  const level = new Map<Category, number>(CATEGORIES.map((category) => [category, 0]));
  for (let round = 0; round < 50; round += 1) {
    for (const category of CATEGORIES) {
      const values = [...cells].flatMap(([model, row]) => (row.has(category) ? [row.get(category)!.ability - general.get(model)!] : []));
      if (values.length > 0) level.set(category, mean(values));
    }
    for (const [model, row] of cells) general.set(model, mean([...row].map(([category, cell]) => cell.ability - level.get(category)!)));
    // general abilities average to zero; the levels carry the scale
    const shift = mean([...general.values()]);
    for (const [model, value] of general) general.set(model, value - shift);
    for (const [category, value] of level) level.set(category, value + shift);
  }
  const residuals = [...cells].flatMap(([model, row]) => (row.size > 1 ? [...row].map(([category, cell]) => cell.ability - general.get(model)! - level.get(category)!) : []));
  const usedLevels = CATEGORIES.filter((category) => [...cells.values()].some((row) => row.has(category))).map((category) => level.get(category)!);
  return { general, level, overall: mean(usedLevels), residual: Math.max(MIN_FIT_SD, spread(residuals)) };
}

function main(): void {
  const args = process.argv.slice(2);
  const at = args.indexOf('--sources');
  const root = (at >= 0 ? args[at + 1] : undefined) ?? process.env.ZEN_PRIORS_SOURCES ?? fail('pass --sources <dir> (or set ZEN_PRIORS_SOURCES)');
  const aider = source(join(root, 'aider'), 'aider-polyglot', "Aider's polyglot coding leaderboard", 'https://github.com/Aider-AI/aider', 'Apache-2.0', 'aider/website/_data/polyglot_leaderboard.yml');
  const simpleEvals = source(join(root, 'simple-evals'), 'simple-evals', 'OpenAI simple-evals results table', 'https://github.com/openai/simple-evals', 'MIT', 'README.md');
  const arena = source(join(root, 'arena-hard-auto'), 'arena-hard-auto', 'Arena-Hard-Auto v2.0 leaderboard (style control, Gemini-2.5 judge)', 'https://github.com/lmarena/arena-hard-auto', 'Apache-2.0', 'README.md');
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
    [...cells].sort(([a], [b]) => a.localeCompare(b)).map(([model, row]) => [
      model,
      Object.fromEntries(CATEGORIES.map((category) => {
        const cell = row.get(category)!;
        return [category, [round(cell.ability), round(cell.sd), cell.from.join('+')]];
      })),
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
    ' * it was measured (the leaderboard entry\'s date, else the source revision\'s), its source and licence,',
    ' * and the model\'s name in the source.',
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
