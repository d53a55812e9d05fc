/**
 * The `zenrouter` command (Node only; never imported by the main entry):
 *   zenrouter eval    benchmark channels on an HLE-format dataset
 *   zenrouter report  one self-contained HTML report from results files and ledgers
 *   zenrouter watch   canary runs on a schedule, with degradation alarms
 *   zenrouter dashboard  a live local page over a ledger
 */
import { cac } from 'cac';
import { ZenError } from '../core/errors.js';
import { dashboardCommand, type DashboardFlags } from './dashboard-command.js';
import { evalCommand, type EvalFlags } from './eval-command.js';
import { reportCommand } from './report-command.js';
import { watchCommand, type WatchFlags } from './watch-command.js';

const cli = cac('zenrouter');

cli
  .command('eval', 'Benchmark channels on an HLE-format dataset (JSONL, JSON or CSV)')
  .option('--dataset <path>', 'Dataset file (default with --simulate: the bundled HLE-format sample)')
  .option('--models <list>', 'Models to evaluate at every provider that serves them, comma-separated')
  .option('--channels <list>', 'Channels (vendor/model:provider), comma-separated')
  .option('--judge <model>', 'Grade with an LLM judge (HLE verdict) through the router; exact match otherwise')
  .option('--concurrency <n>', 'Calls in flight', { default: 4 })
  .option('--samples <n>', 'Times each item is asked of each channel', { default: 1 })
  .option('--budget <usd>', 'Never spend more than this (judge included)')
  .option('--limit <n>', 'Only the first n items')
  .option('--max-tokens <n>', 'Cap on an answer\u2019s tokens (default 4096)')
  .option('--out <path>', 'Results file (JSONL); an existing one is resumed', { default: 'zenrouter-results.jsonl' })
  .option('--fresh', 'Delete the results file first instead of resuming')
  .option('--ledger <path>', 'Record every call in this ledger (.jsonl, or .db for SQLite)')
  .option('--report <path>', 'Also write the HTML report here')
  .option('--probe-identity', 'Ask each channel which model it is and compare their answers')
  .option('--alpha <level>', 'Significance level of the channel comparison (default 0.05)')
  .option('--test <name>', 'mcnemar (paired, default) or fisher')
  .option('--format <format>', 'jsonl, json or csv (default: from the extension)')
  .option('--id-field <name>', 'Field holding the id (default id)')
  .option('--question-field <name>', 'Field holding the question (default question)')
  .option('--answer-field <name>', 'Field holding the answer (default answer)')
  .option('--answer-type-field <name>', 'Field holding exactMatch|multipleChoice (default answer_type)')
  .option('--category-field <name>', 'Field holding the category (default category)')
  .option('--image-field <name>', 'Field holding an image data URL (default image)')
  .option('--simulate', 'Run on the built-in simulator with scripted answers (no API key needed)')
  .option('--sim-latency <ms>', 'Simulated time to first token (default 40)')
  .option('--quiet', 'No progress bar')
  .example('zenrouter eval --simulate')
  .example('zenrouter eval --dataset hle.jsonl --models anthropic/claude-sonnet-4-5 --judge openai/gpt-5-mini --budget 20')
  .action((flags: EvalFlags) => run(() => evalCommand(flags)));

cli
  .command('report [...inputs]', 'Write one self-contained HTML report from results files and/or ledgers')
  .option('-o, --out <path>', 'Output file', { default: 'zenrouter-report.html' })
  .option('--title <text>', 'Page title')
  .example('zenrouter report zenrouter-results.jsonl ledger.jsonl -o report.html')
  .action((inputs: string[], flags: { out?: string; title?: string }) => run(() => reportCommand(inputs, flags)));

cli
  .command('watch', 'Canary runs on a schedule; a degradation alarm when a channel shifts beyond chance')
  .option('--dataset <path>', 'Canary set (its first --limit items)')
  .option('--limit <n>', 'Canary items per run (default 10)')
  .option('--channels <list>', 'Channels to watch, comma-separated')
  .option('--models <list>', 'Models to watch at every provider')
  .option('--every <duration>', 'Time between runs: 30s, 15m, 1h, 1d')
  .option('--budget-per-day <usd>', 'Never spend more than this per UTC day')
  .option('--runs <n>', 'Stop after n runs (default: until Ctrl-C)')
  .option('--judge <model>', 'Grade with an LLM judge')
  .option('--concurrency <n>', 'Calls in flight')
  .option('--baseline-runs <n>', 'Runs that learn the baseline (default 3)')
  .option('--open-breaker', 'Hold a degraded channel\u2019s breaker open')
  .option('--out <path>', 'Results file (JSONL)', { default: 'zenrouter-watch.jsonl' })
  .option('--ledger <path>', 'Record every call in this ledger')
  .option('--report <path>', 'Write the HTML report when it stops')
  .option('--simulate', 'Run on the simulator; budget-host\u2019s gpt-5-mini degrades after --degrade-after calls')
  .option('--degrade-after <n>', 'With --simulate: calls before the scripted degradation (default 6 runs)')
  .option('--sim-latency <ms>', 'Simulated time to first token (default 40)')
  .example('zenrouter watch --simulate --every 1s --runs 12 --report watch.html')
  .action((flags: WatchFlags) => run(() => watchCommand(flags)));

cli
  .command(
    'dashboard',
    'A live local page over a ledger: calls, cost and credits per model per day, latency, claims, degradations, budgets',
  )
  .option('--ledger <path|url>', 'The ledger: .jsonl, .db/.sqlite for SQLite, or postgres://user:password@host/db')
  .option('--table <name>', 'With a postgres:// ledger: the PostgresLedgerStore\u2019s table (default zen_ledger)')
  .option('--port <n>', 'Port (default 7411; 0 picks a free one)')
  .option('--host <address>', 'Address to listen on (default 127.0.0.1: this machine only)')
  .option('--refresh <seconds>', 'Seconds between the page\u2019s updates (default 2)')
  .option('--title <text>', 'Page title')
  .example('zenrouter dashboard --ledger ledger.jsonl')
  .example('zenrouter dashboard --ledger postgres://zen@db.internal/zen --refresh 5')
  .action((flags: DashboardFlags) => run(() => dashboardCommand(flags)));

cli.help();
cli.version('0.1.0');

async function run(command: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await command();
  } catch (error) {
    if (ZenError.isInstance(error)) {
      console.error(`zenrouter: ${error.message}`);
      process.exitCode = error.kind === 'invalid_request' || error.kind === 'configuration' ? 2 : 1;
      return;
    }
    throw error;
  }
}

cli.parse(process.argv, { run: false });
if (!cli.matchedCommand) {
  if (process.argv.length <= 2 || cli.options.help) cli.outputHelp();
  else if (!cli.options.version) {
    console.error(`zenrouter: unknown command '${process.argv[2]}'; try zenrouter --help`);
    process.exitCode = 2;
  }
} else {
  void cli.runMatchedCommand();
}
