/**
 * Evaluates `auto` routing on RouterBench (per-prompt correctness and cost of 11 models on ARC,
 * MBPP and Winogrande). The nearest-neighbour quality model is trained on graded prompts, the
 * router picks a model for each unseen prompt by Pareto cost/quality at several preferences, and
 * the picks are scored with the recorded correctness and cost. Baselines: every single model, a
 * random pick, and the oracle (cheapest correct model).
 *
 *   npx tsx bench/routerbench.ts                     # 5-fold cross-validation on the training split
 *   npx tsx bench/routerbench.ts --test held-out.csv # train on the training split, score a test file
 *
 * The data is read from ../shared/data/routerbench (ZEN_ROUTERBENCH_DIR overrides); it is not part
 * of this repository.
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { analyzePrompt } from '../src/policy/analyze-prompt.js';
import { Catalog, type ModelDefinition, type ProviderInfo } from '../src/policy/catalog.js';
import { LiveState } from '../src/policy/live-state.js';
import { builtInPolicies, paretoPolicy } from '../src/policy/policies/index.js';
import { NearestNeighbourQualityModel, type GradedPrompt } from '../src/policy/quality-models/nearest-neighbours.js';
import { route } from '../src/policy/router.js';
import type { Preference } from '../src/policy/types.js';

const MODELS = [
  'WizardLM/WizardLM-13B-V1.2', 'claude-instant-v1', 'claude-v1', 'claude-v2', 'gpt-3.5-turbo-1106', 'gpt-4-1106-preview',
  'meta/code-llama-instruct-34b-chat', 'meta/llama-2-70b-chat', 'mistralai/mistral-7b-chat', 'mistralai/mixtral-8x7b-chat', 'zero-one-ai/Yi-34B-Chat',
];
const PREFERENCES: Preference[] = ['price', 0.25, 'balanced', 0.75, 0.9, 'quality'];

interface Row {
  id: string;
  task: string;
  prompt: string;
  correct: Record<string, number>;
  cost: Record<string, number>;
}

function dataDir(): string {
  const candidates = [process.env.ZEN_ROUTERBENCH_DIR, fileURLToPath(new URL('../../shared/data/routerbench/', import.meta.url))];
  const found = candidates.find((candidate) => candidate && existsSync(candidate));
  if (!found) throw new Error('RouterBench data not found: set ZEN_ROUTERBENCH_DIR.');
  return found.endsWith('/') ? found : `${found}/`;
}

/** The prompt column holds a Python list literal of one string; keep its text. */
function promptText(cell: string): string {
  const match = /^\[\s*(['"])([\s\S]*)\1\s*\]$/.exec(cell.trim());
  if (!match) return cell;
  return match[2]!.replace(/\\n/g, '\n').replace(/\\'/g, "'").replace(/\\"/g, '"').replace(/\\\\/g, '\\');
}

export function readRows(path: string): Row[] {
  const records = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true, relax_quotes: true }) as Array<Record<string, string>>;
  const rows: Row[] = [];
  for (const record of records) {
    const correct: Record<string, number> = {};
    const cost: Record<string, number> = {};
    let complete = true;
    for (const model of MODELS) {
      const score = record[model];
      const price = record[`${model}|total_cost`];
      // A few cells are empty ("unknown"): such prompts can't be scored fairly for every strategy.
      if (score === undefined || score === '' || price === undefined || price === '') complete = false;
      correct[model] = Number(score);
      cost[model] = Number(price);
    }
    if (complete) rows.push({ id: record.sample_id!, task: record.eval_name!, prompt: promptText(record.prompt!), correct, cost });
  }
  return rows;
}

interface Tally {
  correct: number;
  cost: number;
  count: number;
  picks: Map<string, number>;
}

function tally(): Tally {
  return { correct: 0, cost: 0, count: 0, picks: new Map() };
}

function add(t: Tally, row: Row, model: string): void {
  t.correct += row.correct[model]!;
  t.cost += row.cost[model]!;
  t.count += 1;
  t.picks.set(model, (t.picks.get(model) ?? 0) + 1);
}

/** A router over the 11 models, priced from the training data (USD per token, prompt and answer alike). */
function buildRouter(train: Row[]) {
  const models: Record<string, ModelDefinition> = {};
  for (const model of MODELS) {
    const spent = train.reduce((sum, row) => sum + row.cost[model]!, 0);
    const tokens = train.reduce((sum, row) => sum + Math.ceil(row.prompt.length / 4) + 200, 0);
    const perMTok = (spent / tokens) * 1e6;
    models[`routerbench/${model}`] = {
      price: { inputPerMTok: perMTok, outputPerMTok: perMTok },
      contextWindow: 1_000_000,
      capabilities: { tools: true, vision: true, structuredOutput: true, reasoning: true, imageOutput: false, temperature: true },
    };
  }
  const examples: GradedPrompt[] = train.map((row) => ({ text: row.prompt, scores: row.correct }));
  const quality = new NearestNeighbourQualityModel({ examples, k: Number(process.env.ZEN_KNN_K ?? 150) });
  const providers: ProviderInfo[] = [{ name: 'bench', family: 'openai', vendors: ['routerbench'], models: [] }];
  const pool = MODELS.map((model) => `routerbench/${model}`);
  const deps = {
    catalog: new Catalog({ models }),
    providers: () => providers,
    quality,
    state: new LiveState(),
    // Pure exploitation for scoring: no exploration bonus.
    policies: { ...builtInPolicies(), pareto: paretoPolicy() },
    autoPool: pool,
  };
  return (row: Row, preference: Preference): string => {
    const request = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: row.prompt }] }] };
    const plan = route({ request, model: 'auto', routing: { preference, exploration: false }, analysis: analyzePrompt(request) }, deps);
    return plan.order[0]!.channel.model.name;
  };
}

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

export function evaluate(train: Row[], test: Row[], results: Map<string, Tally>): void {
  const pick = buildRouter(train);
  for (const row of test) {
    for (const preference of PREFERENCES) {
      const key = `router ${String(preference)}`;
      if (!results.has(key)) results.set(key, tally());
      add(results.get(key)!, row, pick(row, preference));
    }
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const testIndex = args.indexOf('--test');
  const dir = dataDir();
  const train = ['arc_challenge_train.csv', 'mbpp_train.csv', 'winograde_train.csv'].flatMap((file) => readRows(dir + file));
  const results = new Map<string, Tally>();
  let scored: Row[];
  if (testIndex >= 0) {
    scored = readRows(args[testIndex + 1]!);
    evaluate(train, scored, results);
  } else {
    const folds = 5;
    const rows = shuffle(train);
    scored = [];
    for (let fold = 0; fold < folds; fold += 1) {
      const test = rows.filter((_, i) => i % folds === fold);
      evaluate(rows.filter((_, i) => i % folds !== fold), test, results);
      scored.push(...test);
    }
  }
  for (const model of MODELS) {
    const t = tally();
    for (const row of scored) add(t, row, model);
    results.set(model, t);
  }
  const oracle = tally();
  const random = tally();
  let state = 7;
  for (const row of scored) {
    const cheapestCorrect = MODELS.filter((model) => row.correct[model]! >= 1).sort((a, b) => row.cost[a]! - row.cost[b]!)[0];
    add(oracle, row, cheapestCorrect ?? MODELS.slice().sort((a, b) => row.cost[a]! - row.cost[b]!)[0]!);
    state = (state * 1103515245 + 12345) % 2 ** 31;
    add(random, row, MODELS[state % MODELS.length]!);
  }
  results.set('random', random);
  results.set('oracle (cheapest correct)', oracle);

  console.log(`RouterBench, ${scored.length} prompts (${testIndex >= 0 ? 'held-out test file' : '5-fold cross-validation on the training split'})`);
  console.log(`${'strategy'.padEnd(38)} ${'accuracy'.padStart(8)} ${'cost/1k prompts'.padStart(16)}  most picked`);
  for (const [name, t] of results) {
    const top = [...t.picks].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([model, count]) => `${model.split('/').pop()} ${Math.round((count / t.count) * 100)}%`);
    console.log(`${name.padEnd(38)} ${(t.correct / t.count).toFixed(3).padStart(8)} ${`$${((t.cost / t.count) * 1000).toFixed(3)}`.padStart(16)}  ${name.startsWith('router') ? top.join(', ') : ''}`);
  }
  const best = results.get(MODELS[5]!)!;
  const dominating = [...results].filter(([name, t]) => name.startsWith('router') && t.correct / t.count >= best.correct / best.count - 0.01);
  for (const [name, t] of dominating) {
    console.log(`${name} is within 1 point of gpt-4-1106-preview's accuracy at ${((t.cost / best.cost) * 100).toFixed(0)}% of its cost.`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
