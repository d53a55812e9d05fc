/** How the figures become priors, for scripts/build-quality-priors.ts (the method is in its header). */

export type Category = 'code' | 'math' | 'reasoning' | 'extraction' | 'creative' | 'chat';
export const CATEGORIES: Category[] = ['code', 'math', 'reasoning', 'extraction', 'creative', 'chat'];

export interface Source {
  id: string;
  title: string;
  url: string;
  licence: string;
  file: string;
  commit: string;
  date: string;
}

export interface Figure {
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

export interface Benchmark {
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

export const BENCHMARKS: Benchmark[] = [
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

export const logit = (p: number): number => {
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

export interface Cell {
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

export function derive(figures: Figure[]): { cells: Map<string, Map<Category, Cell>>; notes: string[]; fallback: Record<Category, Cell> } {
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
      for (const list of estimates.values())
        for (const estimate of list.get(benchmark.category) ?? []) if (estimate.from === anchorBenchmark.id) estimate.sd = sd;
      sd = ANCHOR_SD;
    }
    notes.push(
      `${benchmark.id}: logit(score) = ${fit.slope.toFixed(2)}·ability ${fit.intercept >= 0 ? '+' : '−'} ${Math.abs(fit.intercept).toFixed(2)} over ${pairs.length} shared models, residual ${fit.residual.toFixed(2)}`,
    );
    for (const [model, score] of scores)
      addEstimate(model, benchmark.category, (logit(score) - fit.intercept) / fit.slope, sd, benchmark.id);
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
    notes.push(
      `${benchmark.id}: ability = ${slope.toFixed(2)}·logit(win rate) ${intercept >= 0 ? '+' : '−'} ${Math.abs(intercept).toFixed(2)} over ${shared.length} models, residual ${residual.toFixed(2)}`,
    );
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
function fitAdditive(cells: Map<string, Map<Category, Cell>>): {
  general: Map<string, number>;
  level: Map<Category, number>;
  overall: number;
  residual: number;
} {
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
  const residuals = [...cells].flatMap(([model, row]) =>
    row.size > 1 ? [...row].map(([category, cell]) => cell.ability - general.get(model)! - level.get(category)!) : [],
  );
  const usedLevels = CATEGORIES.filter((category) => [...cells.values()].some((row) => row.has(category))).map(
    (category) => level.get(category)!,
  );
  return { general, level, overall: mean(usedLevels), residual: Math.max(MIN_FIT_SD, spread(residuals)) };
}
