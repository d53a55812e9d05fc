/**
 * Scores `auto` routing on RouterBench (per-prompt correctness, cost and answers of 11 models on
 * ARC, MBPP and Winogrande) against every single model, a per-task static router, a random pick and
 * the oracle. `auto` runs the library's router (route(), the pareto policy) with a
 * NearestNeighbourQualityModel trained on the graded prompts, at preferences from 0 to 1; and the
 * same with `cascade` on, where the check is one consistency sample from a second model, evaluated
 * on the recorded answers with the library's own similarity (README: Routing quality).
 *
 *   npx tsx bench/routerbench.ts                           # 5-fold cross-validation on the training split
 *   npx tsx bench/routerbench.ts --test a.csv b.csv c.csv  # train on the training split, score held-out files
 *
 * Held-out files have the training files' columns, one header each. The data is read from
 * ../shared/data/routerbench (ZEN_ROUTERBENCH_DIR overrides); it is not part of this repository.
 * For experiments: ZEN_KNN_K and ZEN_KNN_SHRINKAGE (a number, else chosen by inner cross-validation
 * on the training rows), ZEN_KNN_SELECTION=one-standard-error (the quality model's `selection`), ZEN_CHECKER (the check's model, else chosen on the training rows),
 * ZEN_CHECK=pooled (one checker for every task, recall and false alarms pooled over the cheaper
 * first answers; ZEN_CHECK_FIRSTS=all over every model) and ZEN_FOLD_SEED (another split, default 42).
 */
import { analyzePrompt, type PromptAnalysis } from '../src/policy/analyze-prompt.js';
import { Catalog, type ModelDefinition, type ProviderInfo } from '../src/policy/catalog.js';
import { LiveState } from '../src/policy/live-state.js';
import { builtInPolicies, paretoPolicy } from '../src/policy/policies/index.js';
import { NearestNeighbourQualityModel, type NearestNeighbourFit } from '../src/policy/quality-models/nearest-neighbours.js';
import { route, type RouterDeps } from '../src/policy/router.js';
import type { CascadeCheckRates, CascadeOptions, Policy } from '../src/policy/types.js';
import { similarity } from '../src/insurance/detectors/consistency.js';
import type { GenerationResult } from '../src/core/result.js';
import { dataDir, MODELS, readRows, REFERENCE, TRAINING_FILES, type Row } from './routerbench/data.js';
import { accuracyAt, frontier, worstGap, type Point } from './routerbench/frontier.js';

/**
 * The `auto` settings scored: preferences 0 (price) to 1 (quality) in steps of 0.0125, and answer
 * values (USD a good answer is worth) from $0.0001 to $10. Answer values are
 * scored by expected value, value × chance of a good answer − estimated cost, without the pareto
 * policy's good-enough cap (`goodEnough: 1`; ZEN_VALUE_CAP=1 keeps the default 0.95): a good answer
 * is worth its value however likely it already is.
 */
const UNCAPPED = paretoPolicy({ goodEnough: 1 });
/** Thirty per decade, sixty from $0.01 to $1 (where the frontier bends), up to $10 (every prompt to its likeliest model). */
const ANSWER_VALUES = [
  ...new Set(
    [
      ...Array.from({ length: 60 }, (_, k) => 10 ** (-4 + k / 30)),
      ...Array.from({ length: 120 }, (_, k) => 10 ** (-2 + k / 60)),
      ...Array.from({ length: 31 }, (_, k) => 10 ** (k / 30)),
    ].map((value) => Number(value.toPrecision(3))),
  ),
];
const SWEEP: Array<{ name: string; routing: { preference?: number; answerValue?: number; policy?: Policy } }> = [
  ...Array.from({ length: 81 }, (_, k) => Math.round(k * 125) / 10000).map((preference) => ({
    name: `preference ${preference}`,
    routing: { preference },
  })),
  ...ANSWER_VALUES.map((answerValue) => ({
    name: `value $${answerValue}`,
    routing: { answerValue, ...(process.env.ZEN_VALUE_CAP === '1' ? {} : { policy: UNCAPPED }) },
  })),
];
/** The consistency detector's default threshold: disagreement above it fails the check. */
const THRESHOLD = 0.5;

interface Tally {
  correct: number;
  cost: number;
  count: number;
  cascades: number;
  escalations: number;
}

const tally = (): Tally => ({ correct: 0, cost: 0, count: 0, cascades: 0, escalations: 0 });

function record(results: Map<string, Tally>, name: string, correct: number, cost: number, cascaded = false, escalated = false): void {
  let t = results.get(name);
  if (!t) results.set(name, (t = tally()));
  t.correct += correct;
  t.cost += cost;
  t.count += 1;
  if (cascaded) t.cascades += 1;
  if (escalated) t.escalations += 1;
}

const asResult = (text: string): GenerationResult => ({
  id: undefined,
  modelId: undefined,
  content: [{ type: 'text', text }],
  finishReason: { unified: 'stop', raw: undefined },
  usage: { input: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 }, output: { total: 0, text: 0, reasoning: 0 } },
  warnings: [],
});

/** Whether a consistency sample of `checker` passes `model`'s answer (the detector's own similarity). */
const agreement = new Map<string, boolean>();
function passes(row: Row, model: string, checker: string): boolean {
  const key = `${row.id}\u0000${model < checker ? model : checker}\u0000${model < checker ? checker : model}`;
  let value = agreement.get(key);
  if (value === undefined) {
    value = 1 - similarity(asResult(row.answers[model]!), asResult(row.answers[checker]!)) <= THRESHOLD;
    agreement.set(key, value);
  }
  return value;
}

/** How a check's verdicts on one model's answers fall: wrong answers caught, right ones flagged (alarms). */
interface CheckCounts {
  wrong: number;
  caught: number;
  right: number;
  alarms: number;
}

const noCounts = (): CheckCounts => ({ wrong: 0, caught: 0, right: 0, alarms: 0 });

/** Counts the check's verdict on `first`'s answer to `row` into `counts`; true when it flagged it. */
function countCheck(counts: CheckCounts, row: Row, first: string, checker: string): boolean {
  const flagged = !passes(row, first, checker);
  if (row.correct[first]! >= 1) {
    counts.right += 1;
    if (flagged) counts.alarms += 1;
  } else {
    counts.wrong += 1;
    if (flagged) counts.caught += 1;
  }
  return flagged;
}

/** Recall and false alarms, smoothed: groups with few prompts stay near a coin-flip check. */
const checkRates = (c: CheckCounts) => ({ recall: (c.caught + 1) / (c.wrong + 2), falseAlarms: (c.alarms + 1) / (c.right + 2) });

const analyses = new Map<string, PromptAnalysis>();
function analysisOf(row: Row): PromptAnalysis {
  let analysis = analyses.get(row.id);
  if (!analysis)
    analyses.set(row.id, (analysis = analyzePrompt({ messages: [{ role: 'user', content: [{ type: 'text', text: row.prompt }] }] })));
  return analysis;
}

/**
 * A router over the 11 models, priced from the training rows (USD per token, prompt and answer
 * alike), with a NearestNeighbourQualityModel trained on them (each row's task as its group: the
 * router recognises a new prompt's task from its text). The answer lengths a host's LiveState
 * learns from its calls are learned from the training rows too (per model and task category, the
 * tokens its recorded cost implies beyond the prompt), so that cost estimates know that code
 * answers are long.
 */
function buildRouter(train: Row[]): RouterDeps {
  const models: Record<string, ModelDefinition> = {};
  const tokensOf = (row: Row) => Math.ceil(row.prompt.length / 4);
  const tokens = train.reduce((sum, row) => sum + tokensOf(row) + 200, 0);
  const perToken = new Map<string, number>();
  for (const model of MODELS) {
    perToken.set(model, train.reduce((sum, row) => sum + row.cost[model]!, 0) / tokens);
    const perMTok = perToken.get(model)! * 1e6;
    models[`routerbench/${model}`] = {
      price: { inputPerMTok: perMTok, outputPerMTok: perMTok },
      contextWindow: 1_000_000,
      capabilities: { tools: true, vision: true, structuredOutput: true, reasoning: true, imageOutput: false, temperature: true },
    };
  }
  const k = process.env.ZEN_KNN_K;
  const shrinkage = process.env.ZEN_KNN_SHRINKAGE;
  const quality = new NearestNeighbourQualityModel({
    examples: train.map((row) => ({ text: row.prompt, scores: row.correct, group: row.task })),
    ...(k ? { k: k === 'auto' ? 'auto' : Number(k) } : {}),
    ...(shrinkage ? { shrinkage: shrinkage === 'auto' ? 'auto' : Number(shrinkage) } : {}),
    ...(process.env.ZEN_KNN_SELECTION === 'one-standard-error' ? { selection: 'one-standard-error' as const } : {}),
  });
  const providers: ProviderInfo[] = [{ name: 'bench', family: 'openai', vendors: ['routerbench'], models: [] }];
  const catalog = new Catalog({ models });
  const state = new LiveState();
  if (process.env.ZEN_LEARN_OUTPUT !== '0') {
    const byCategory = new Map<string, Row[]>();
    for (const row of train) {
      const category = analysisOf(row).category;
      byCategory.set(category, [...(byCategory.get(category) ?? []), row]);
    }
    for (const [category, rows] of byCategory) {
      for (const model of MODELS) {
        const outputTokens =
          rows.reduce((sum, row) => sum + Math.max(1, row.cost[model]! / perToken.get(model)! - tokensOf(row)), 0) / rows.length;
        state.recordLatency(catalog.channel(`routerbench/${model}`, providers[0]!), { totalMs: 1000, outputTokens, category });
      }
    }
  }
  return {
    catalog,
    providers: () => providers,
    quality,
    state,
    policies: builtInPolicies(),
    autoPool: MODELS.map((model) => `routerbench/${model}`),
  };
}

/**
 * The cascade's check, calibrated on the training rows as a host would on its own graded calls:
 * the sample's model (the best at telling right answers from wrong ones, recall − false alarms,
 * among the cheaper half of the models, leaving out the one `auto` answers with most at balanced,
 * since a cascade never starts with the checker), and per group of prompts (the task, which the
 * quality model recognises from a new prompt's text) how often its disagreement flags a wrong first
 * answer (recall) and a right one (false alarms), over the models a cascade can start with (the
 * cheaper ones: a cascade's first answer is the cheaper of two).
 */
export function calibrateCheck(train: Row[], deps: RouterDeps): Check {
  const meanCost = (model: string) => train.reduce((sum, row) => sum + row.cost[model]!, 0) / train.length;
  const byCost = [...MODELS].sort((a, b) => meanCost(a) - meanCost(b));
  const picks = new Map<string, number>();
  for (const row of train) {
    const request = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: row.prompt }] }] };
    const model = route(
      { request, model: 'auto', routing: { preference: 'balanced', exploration: false }, analysis: analysisOf(row) },
      deps,
    ).order[0]!.channel.model.id;
    picks.set(model, (picks.get(model) ?? 0) + 1);
  }
  const favourite = [...picks].sort((a, b) => b[1] - a[1])[0]![0].slice('routerbench/'.length);
  const cheaper = byCost.slice(0, Math.ceil(MODELS.length / 2)).filter((model) => model !== favourite);
  const average = MODELS.reduce((sum, model) => sum + meanCost(model), 0) / MODELS.length;
  const firsts = process.env.ZEN_CHECK_FIRSTS === 'all' ? [...MODELS] : MODELS.filter((model) => meanCost(model) < average);
  const stats = (checker: string) => {
    const counts = new Map<string, CheckCounts>();
    for (const row of train) {
      let c = counts.get(row.task);
      if (!c) counts.set(row.task, (c = noCounts()));
      for (const model of firsts) if (model !== checker) countCheck(c, row, model, checker);
    }
    return counts;
  };
  let checker: string = cheaper[0]!;
  let best = Number.NEGATIVE_INFINITY;
  let counts = stats(checker);
  for (const candidate of process.env.ZEN_CHECKER ? [process.env.ZEN_CHECKER] : cheaper) {
    const c = stats(candidate);
    let separation = 0;
    let n = 0;
    for (const entry of c.values()) {
      separation += (entry.caught / Math.max(1, entry.wrong) - entry.alarms / Math.max(1, entry.right)) * (entry.wrong + entry.right);
      n += entry.wrong + entry.right;
    }
    if (separation / n > best) {
      best = separation / n;
      checker = candidate;
      counts = c;
    }
  }
  if (process.env.ZEN_CHECK !== 'pooled') return pairedCheck(train, byCost, meanCost);
  // The check's cost relative to a typical first answer: the cheaper half's mean.
  const checkCost = meanCost(checker) / (cheaper.reduce((sum, model) => sum + meanCost(model), 0) / cheaper.length);
  const options = new Map<string, CascadeOptions>();
  const table: Check['table'] = [];
  for (const [group, c] of counts) {
    const { recall, falseAlarms } = checkRates(c);
    options.set(group, { recall, falseAlarms, checkCost, samples: 1, checkModel: `routerbench/${checker}` });
    table.push({ group, recall, falseAlarms, n: c.right + c.wrong });
  }
  return { checker, options, table };
}

/**
 * The check per group of prompts, calibrated for the pair of models a cascade there works best
 * with on the group's training rows: of every first answer among the cheaper-than-average models
 * and every checker among the cheaper half, the pair whose cascade (escalating to the group's most
 * accurate model when they disagree) lies furthest above the straight line between the group's
 * best cheap model and its most accurate one, i.e. that beats mixing those two by the most. Its
 * checker then checks every cascade in the group, with its recall and false alarms measured per
 * first model (`byFirstModel`: pooling them misstates the check for the model a cascade starts
 * with), and the most accurate model's chance on the prompts it flags as a share of its chance
 * overall (`escalationOnFlagged`: flagged prompts are harder). A check whose recall exceeds its
 * false alarms by less than 0.1 is left off for the group. The router never starts or escalates a
 * cascade with the checker's model (a sample of the first answer's own model would only repeat it;
 * escalating to it would keep its answer whatever the check says).
 */
function pairedCheck(train: Row[], byCost: string[], meanCost: (model: string) => number): Check {
  const average = MODELS.reduce((sum, model) => sum + meanCost(model), 0) / MODELS.length;
  const cheaper = byCost.slice(0, Math.ceil(MODELS.length / 2));
  const firsts = MODELS.filter((model) => meanCost(model) < average);
  const options = new Map<string, CascadeOptions>();
  const table: Check['table'] = [];
  const checkers = new Map<string, string>();
  for (const group of [...new Set(train.map((row) => row.task))]) {
    const rows = train.filter((row) => row.task === group);
    const accuracy = (model: string) => rows.reduce((sum, row) => sum + row.correct[model]!, 0) / rows.length;
    const cost = (model: string) => rows.reduce((sum, row) => sum + row.cost[model]!, 0) / rows.length;
    const top = [...MODELS].sort((a, b) => accuracy(b) - accuracy(a))[0]!;
    const cheap = firsts.filter((model) => model !== top).sort((a, b) => accuracy(b) - accuracy(a))[0]!;
    const slope = (accuracy(top) - accuracy(cheap)) / Math.max(1e-12, cost(top) - cost(cheap));
    let best = { first: '', checker: '', gain: Number.NEGATIVE_INFINITY, recall: 0, falseAlarms: 0, n: 0 };
    for (const first of firsts) {
      if (first === top) continue;
      for (const checker of process.env.ZEN_CHECKER ? [process.env.ZEN_CHECKER] : cheaper) {
        if (checker === first || checker === top) continue;
        const c = noCounts();
        let correct = 0,
          spent = 0;
        for (const row of rows) {
          const flagged = countCheck(c, row, first, checker);
          spent += row.cost[first]! + row.cost[checker]! + (flagged ? row.cost[top]! : 0);
          correct += flagged ? row.correct[top]! : row.correct[first]!;
        }
        const gain = correct / rows.length - (accuracy(cheap) + slope * (spent / rows.length - cost(cheap)));
        if (gain > best.gain) best = { first, checker, gain, ...checkRates(c), n: c.right + c.wrong };
      }
    }
    checkers.set(group, best.checker);
    // The checker's rates on each model's answers: the router may start a cascade with any of
    // them (the dearer ones too, at high answer values), and rates measured for one pair misstate
    // the check for another.
    const byFirstModel: Record<string, CascadeCheckRates> = {};
    for (const first of MODELS) {
      if (first === best.checker) continue;
      const c = noCounts();
      let topRight = 0;
      for (const row of rows) if (countCheck(c, row, first, best.checker)) topRight += row.correct[top]!;
      byFirstModel[`routerbench/${first}`] = {
        ...checkRates(c),
        // The strongest model's chance on the prompts this check flags, as a share of its chance
        // overall (smoothed towards 1 by two pseudo-prompts).
        ...(process.env.ZEN_CHECK_FLAGGED === 'off'
          ? {}
          : { escalationOnFlagged: Math.min(1, (topRight + 2 * accuracy(top)) / ((c.caught + c.alarms + 2) * accuracy(top))) }),
      };
    }
    // A check that flags right answers about as often as wrong ones (recall − false alarms under
    // 0.1, as the consistency of code answers by word overlap) cannot tell them apart: a host that
    // measured it would leave it off for the group.
    const pays = best.recall - best.falseAlarms >= 0.1 || process.env.ZEN_CHECK_ALWAYS === '1';
    if (pays)
      options.set(group, {
        recall: best.recall,
        falseAlarms: best.falseAlarms,
        ...(byFirstModel[`routerbench/${best.first}`]?.escalationOnFlagged !== undefined
          ? { escalationOnFlagged: byFirstModel[`routerbench/${best.first}`]!.escalationOnFlagged! }
          : {}),
        ...(process.env.ZEN_CHECK_RATES === 'pair' ? {} : { byFirstModel }),
        checkCost: 1,
        samples: 1,
        checkModel: `routerbench/${best.checker}`,
      });
    table.push({
      group: `${group} (${best.first.split('/').pop()} checked by ${best.checker.split('/').pop()}${pays ? '' : ': cannot tell right from wrong, so off'})`,
      recall: best.recall,
      falseAlarms: best.falseAlarms,
      n: best.n,
    });
  }
  return { checker: [...new Set(checkers.values())].join(' / '), checkers, options, table };
}

interface Check {
  /** Per group, the checker's model (when it differs by group). */
  checkers?: Map<string, string>;
  checker: string;
  /** Per group of prompts. */
  options: Map<string, CascadeOptions>;
  table: Array<{ group: string; recall: number; falseAlarms: number; n: number }>;
}

/** Trains on `train`, scores `test` with every strategy, adds to `results`. */
export function evaluate(train: Row[], test: Row[], results: Map<string, Tally>, notes: Notes): void {
  const deps = buildRouter(train);
  const quality = deps.quality as NearestNeighbourQualityModel;
  notes.fits.push(quality.fit);
  // How often the prompt's task is recognised from its text (the label is read for this count only).
  for (const row of test) {
    notes.grouped += 1;
    if (quality.groupOf(row.prompt, analysisOf(row).category) === row.task) notes.groupedRight += 1;
  }
  const check = calibrateCheck(train, deps);
  notes.checks.push(check);
  const name = (id: string) => id.slice('routerbench/'.length);
  for (const row of test) {
    const request = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: row.prompt }] }] };
    const analysis = analysisOf(row);
    const group = quality.groupOf(row.prompt, analysis.category);
    const cascadeOptions = check.options.get(group);
    const checker = check.checkers?.get(group) ?? check.checker;
    for (const setting of SWEEP) {
      const plain = name(
        route({ request, model: 'auto', routing: { ...setting.routing, exploration: false }, analysis }, deps).order[0]!.channel.model.id,
      );
      record(results, `auto ${setting.name}`, row.correct[plain]!, row.cost[plain]!);
      const plan = route(
        {
          request,
          model: 'auto',
          routing: { ...setting.routing, exploration: false, ...(cascadeOptions ? { cascade: cascadeOptions } : {}) },
          analysis,
        },
        deps,
      );
      const cascade = plan.decision.cascade;
      if (!cascade) {
        const model = name(plan.order[0]!.channel.model.id);
        record(results, `auto+cascade ${setting.name}`, row.correct[model]!, row.cost[model]!);
        continue;
      }
      const first = name(cascade.first.split(':')[0]!);
      const escalation = name(cascade.escalation.split(':')[0]!);
      // A sample of the first model itself would be self-consistency: one recorded answer per model
      // cannot show it, so such a check is charged and counted as passing.
      if (first === checker) notes.selfChecks += 1;
      const ok = first === checker || passes(row, first, checker);
      const spent = row.cost[first]! + row.cost[checker]!;
      // An escalated answer is checked too; with one channel per model it is then kept either way.
      if (ok) record(results, `auto+cascade ${setting.name}`, row.correct[first]!, spent, true, false);
      else
        record(
          results,
          `auto+cascade ${setting.name}`,
          row.correct[escalation]!,
          spent + row.cost[escalation]! + row.cost[checker]!,
          true,
          true,
        );
    }
  }
  // The per-task static router: per task, the model a cost weight λ favours on the training rows.
  const tasks = [...new Set(train.map((row) => row.task))];
  const perTask = new Map(
    tasks.map((task) => {
      const rows = train.filter((row) => row.task === task);
      return [
        task,
        MODELS.map((model) => ({
          model,
          accuracy: rows.reduce((s, r) => s + r.correct[model]!, 0) / rows.length,
          cost: (rows.reduce((s, r) => s + r.cost[model]!, 0) / rows.length) * 1000,
        })),
      ];
    }),
  );
  for (const lambda of STATIC_LAMBDAS) {
    for (const row of test) {
      const options = perTask.get(row.task);
      const model = options
        ? options.reduce((a, b) => (b.accuracy - lambda * b.cost > a.accuracy - lambda * a.cost ? b : a)).model
        : REFERENCE;
      record(results, `static ${lambda}`, row.correct[model]!, row.cost[model]!);
    }
  }
}

interface Notes {
  checks: Check[];
  selfChecks: number;
  fits: NearestNeighbourFit[];
  grouped: number;
  groupedRight: number;
}

const STATIC_LAMBDAS = [
  0, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5, 100,
];

function shuffle<T>(items: T[], seed = 42): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * An upper bound for per-task strategies, in hindsight on the scored rows: per task, one model or
 * one cascade of recorded answers (a first model, a checker whose answer must agree with it by the
 * consistency detector's similarity, and an escalation when they disagree, every answer paid for),
 * the best combination of one strategy per task at each budget. What per-task choices and
 * two-model agreement checks can reach at most; beyond it, a router needs a per-prompt signal.
 */
function hindsightCascades(rows: Row[]): Point[] {
  const tasks = [...new Set(rows.map((row) => row.task))];
  let front: Point[] = [{ name: '', accuracy: 0, cost: 0 }];
  for (const task of tasks) {
    const members = rows.filter((row) => row.task === task);
    const options: Point[] = MODELS.map((model) => ({
      name: model,
      accuracy: members.reduce((s, r) => s + r.correct[model]!, 0),
      cost: members.reduce((s, r) => s + r.cost[model]!, 0),
    }));
    for (const first of MODELS) {
      for (const checker of MODELS) {
        if (checker === first) continue;
        for (const escalation of MODELS) {
          if (escalation === first || escalation === checker) continue;
          let correct = 0;
          let cost = 0;
          for (const row of members) {
            cost += row.cost[first]! + row.cost[checker]!;
            if (passes(row, first, checker)) correct += row.correct[first]!;
            else {
              correct += row.correct[escalation]!;
              cost += row.cost[escalation]!;
            }
          }
          options.push({
            name: `${first.split('/').pop()} checked by ${checker.split('/').pop()}, else ${escalation.split('/').pop()}`,
            accuracy: correct,
            cost,
          });
        }
      }
    }
    const next: Point[] = [];
    for (const a of front)
      for (const b of frontier(options))
        next.push({ name: `${a.name}${a.name ? '; ' : ''}${task}: ${b.name}`, accuracy: a.accuracy + b.accuracy, cost: a.cost + b.cost });
    front = frontier(next);
  }
  return front.map((p) => ({ name: p.name, accuracy: p.accuracy / rows.length, cost: (p.cost / rows.length) * 1000 }));
}

function point(name: string, t: Tally): Point {
  return { name, accuracy: t.correct / t.count, cost: (t.cost / t.count) * 1000 };
}

/** The best per-task static assignment in hindsight (every combination of one model per task, on the scored rows). */
function hindsightStatic(rows: Row[]): Point[] {
  const tasks = [...new Set(rows.map((row) => row.task))];
  const sums = tasks.map((task) =>
    MODELS.map((model) =>
      rows.filter((row) => row.task === task).reduce((s, r) => [s[0]! + r.correct[model]!, s[1]! + r.cost[model]!], [0, 0]),
    ),
  );
  const points: Point[] = [];
  const walk = (depth: number, correct: number, cost: number, label: string[]): void => {
    if (depth === tasks.length) {
      points.push({ name: `hindsight ${label.join(', ')}`, accuracy: correct / rows.length, cost: (cost / rows.length) * 1000 });
      return;
    }
    MODELS.forEach((model, k) =>
      walk(depth + 1, correct + sums[depth]![k]![0]!, cost + sums[depth]![k]![1]!, [
        ...label,
        `${tasks[depth]}: ${model.split('/').pop()}`,
      ]),
    );
  };
  walk(0, 0, 0, []);
  return frontier(points);
}

function main(): void {
  const args = process.argv.slice(2);
  const at = args.indexOf('--test');
  const testFiles = at >= 0 ? args.slice(at + 1).filter((arg) => !arg.startsWith('--')) : [];
  if (at >= 0 && testFiles.length === 0) throw new Error('--test needs one or more CSV files (the held-out split, one header each).');
  const dir = dataDir();
  const loaded = TRAINING_FILES.map((file) => readRows(dir + file));
  const train = loaded.flatMap((file) => file.rows);
  const results = new Map<string, Tally>();
  const notes: Notes = { checks: [], selfChecks: 0, fits: [], grouped: 0, groupedRight: 0 };
  let scored: Row[];
  let left = loaded.reduce((sum, file) => sum + file.incomplete, 0);
  const started = performance.now();
  if (testFiles.length > 0) {
    const held = testFiles.map((file) => readRows(file));
    scored = held.flatMap((file) => file.rows);
    left = held.reduce((sum, file) => sum + file.incomplete, 0);
    evaluate(train, scored, results, notes);
  } else {
    const folds = 5;
    const rows = shuffle(train, Number(process.env.ZEN_FOLD_SEED ?? 42));
    scored = [];
    for (let fold = 0; fold < folds; fold += 1) {
      const test = rows.filter((_, i) => i % folds === fold);
      evaluate(
        rows.filter((_, i) => i % folds !== fold),
        test,
        results,
        notes,
      );
      scored.push(...test);
    }
  }
  for (const model of MODELS) for (const row of scored) record(results, model, row.correct[model]!, row.cost[model]!);
  let state = 7;
  for (const row of scored) {
    const byCost = [...MODELS].sort((a, b) => row.cost[a]! - row.cost[b]!);
    const cheapestCorrect = byCost.find((model) => row.correct[model]! >= 1) ?? byCost[0]!;
    record(results, 'oracle (cheapest correct)', row.correct[cheapestCorrect]!, row.cost[cheapestCorrect]!);
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const pick = MODELS[state % MODELS.length]!;
    record(results, 'random', row.correct[pick]!, row.cost[pick]!);
  }
  report(results, scored, testFiles, left, notes, (performance.now() - started) / 1000);
}

function report(results: Map<string, Tally>, scored: Row[], testFiles: string[], left: number, notes: Notes, seconds: number): void {
  const points = (prefix: string) => [...results].filter(([name]) => name.startsWith(prefix)).map(([name, t]) => point(name, t));
  const plain = points('auto ');
  const cascaded = points('auto+cascade ');
  const auto = frontier([...plain, ...cascaded]);
  const staticRouter = frontier(points('static '));
  const hindsight = hindsightStatic(scored);
  const reference = point(REFERENCE, results.get(REFERENCE)!);
  const line = (p: Point, extra = '') =>
    `  ${p.name.padEnd(44)} ${p.accuracy.toFixed(3).padStart(6)}  ${`$${p.cost.toFixed(3)}`.padStart(9)}  ${`${((p.cost / reference.cost) * 100).toFixed(0)}%`.padStart(5)}${extra}`;
  console.log(
    `RouterBench, ${scored.length} prompts (${testFiles.length > 0 ? `held-out: ${testFiles.join(', ')}` : '5-fold cross-validation on the training split'}; ${left} incomplete rows left out), ${seconds.toFixed(0)} s`,
  );
  console.log(`  ${'strategy'.padEnd(44)} ${'acc.'.padStart(6)}  ${'$/1k'.padStart(9)}  ${'cost vs GPT-4'.padStart(5)}`);
  console.log('single models:');
  for (const model of MODELS) console.log(line(point(model, results.get(model)!)));
  console.log(line(point('random', results.get('random')!)));
  console.log(line(point('oracle (cheapest correct)', results.get('oracle (cheapest correct)')!)));
  console.log('per-task static router (per task, the model a cost weight favours on the training rows), frontier:');
  for (const p of staticRouter) console.log(line(p));
  console.log(
    `per-task static router in hindsight (every combination of one model per task, on the scored rows themselves), frontier of ${hindsight.length} points (accuracy@$/1k):`,
  );
  for (let k = 0; k < hindsight.length; k += 8)
    console.log(
      `  ${hindsight
        .slice(k, k + 8)
        .map((p) => `${p.accuracy.toFixed(3)}@$${p.cost.toFixed(2)}`)
        .join('  ')}`,
    );
  const cascadeNote = (p: Point) => {
    const t = results.get(p.name)!;
    return t.cascades > 0
      ? `  cascaded ${((t.cascades / t.count) * 100).toFixed(0)}%, escalated ${((t.escalations / t.count) * 100).toFixed(0)}%`
      : '';
  };
  console.log('auto (preference 0..1, or an answer value), frontier:');
  for (const p of frontier(plain)) console.log(line(p));
  console.log('auto with cascade (preference 0..1, or an answer value), frontier:');
  for (const p of frontier(cascaded)) console.log(line(p, cascadeNote(p)));
  console.log('auto, both, frontier:');
  for (const p of auto) console.log(line(p, cascadeNote(p)));

  console.log(
    'quality model (per fold: per task, neighbours k and shrinkage common/model-specific chosen by 5-fold cross-validation on the training folds; mean squared error of held-out scores, with neighbours vs the averages alone):',
  );
  notes.fits.forEach((fit, fold) => {
    const groups = fit.groups.map(
      (g) =>
        `${g.group}: k ${g.k}, shrinkage ${g.shrinkage.common}/${g.shrinkage.specific}, error ${g.validation?.error.toFixed(4) ?? '-'} vs ${g.validation?.groupAverageError.toFixed(4) ?? '-'}`,
    );
    console.log(`  fold ${fold + 1}: ${groups.join('; ')}; ${fit.boilerplateLines} boilerplate lines`);
  });
  console.log(`  task recognised from the prompt text: ${notes.groupedRight} of ${notes.grouped}`);
  const check = notes.checks[0]!;
  console.log(
    `cascade check: one consistency sample from ${notes.checks
      .flatMap((c) => c.checker.split(' / ').map((m) => m.split('/').pop()))
      .filter((v, i, a) => a.indexOf(v) === i)
      .join(
        ' / ',
      )} (chosen on the training rows), disagreement > ${THRESHOLD} fails it; calibrated per task on the training rows${process.env.ZEN_CHECK === 'pooled' ? ', pooled over the models a cascade can start with' : ', for the pair of models shown'}${notes.checks.length > 1 ? ' (first fold shown)' : ''}:`,
  );
  for (const row of check.table)
    console.log(`  ${row.group.padEnd(14)} recall ${row.recall.toFixed(2)}, false alarms ${row.falseAlarms.toFixed(2)} (${row.n} answers)`);
  if (notes.selfChecks > 0)
    console.log(
      `  ${notes.selfChecks} cascade decisions had the checker answer first: charged a second sample and counted as passing (self-consistency needs several samples of one model; the data has one).`,
    );

  console.log(
    `targets, relative to ${REFERENCE} (accuracy ${reference.accuracy.toFixed(3)}, $${reference.cost.toFixed(3)} per 1k prompts):`,
  );
  const target = (label: string, share: number, needed: number) => {
    const best = accuracyAt(auto, reference.cost * share);
    console.log(
      `  ${label}: best auto accuracy at ≤ ${share * 100}% of its cost ($${(reference.cost * share).toFixed(3)}) is ${best.toFixed(3)}, needed ${needed.toFixed(3)}: ${best >= needed ? 'met' : `missed by ${(needed - best).toFixed(3)}`}`,
    );
    for (const [name, set] of [
      ['static router', staticRouter],
      ['auto without cascade', frontier(plain)],
    ] as const)
      console.log(`    (${name}: ${accuracyAt(set, reference.cost * share).toFixed(3)})`);
  };
  target('95 % of its accuracy at ≤ 20 % of its cost', 0.2, 0.95 * reference.accuracy);
  target('its accuracy at ≤ 50 % of its cost', 0.5, reference.accuracy);
  const gap = worstGap(auto, staticRouter);
  console.log(
    `  never below the per-task static router at any budget: ${gap.below.length === 0 ? 'met' : `missed at ${gap.below.length} budgets`} (worst: ${gap.gap >= 0 ? '+' : ''}${gap.gap.toFixed(3)} at $${gap.budget.toFixed(3)})`,
  );
  for (const miss of gap.below.slice(0, 12))
    console.log(
      `    at $${miss.budget.toFixed(3)}: auto ${Number.isFinite(miss.ours) ? miss.ours.toFixed(3) : 'nothing'}, static ${miss.theirs.toFixed(3)}`,
    );
  const cascadesInHindsight = hindsightCascades(scored);
  for (const share of [0.2, 0.5]) {
    const best = cascadesInHindsight.filter((p) => p.cost <= reference.cost * share + 1e-12).at(-1);
    if (best)
      console.log(
        `  (upper bound at ≤ ${share * 100}%: per task, the best single model or two-model agreement cascade in hindsight on the scored rows reaches ${best.accuracy.toFixed(3)} at $${best.cost.toFixed(3)}: ${best.name})`,
      );
  }
  const hindsightGap = worstGap(auto, hindsight);
  console.log(
    `  (against the static router in hindsight: worst ${hindsightGap.gap >= 0 ? '+' : ''}${hindsightGap.gap.toFixed(3)} at $${hindsightGap.budget.toFixed(3)}, below it at ${hindsightGap.below.length} budgets)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
