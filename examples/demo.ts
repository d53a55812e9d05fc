/**
 * The main job: one ZenClient, three SDK families behind it. With no API keys it starts the
 * built-in protocol simulator as the three providers; with OPENAI_API_KEY / ANTHROPIC_API_KEY /
 * GEMINI_API_KEY set it then runs the same calls on the real providers.
 *
 *   npm run demo
 */
import { ZenClient, ZenError, type ZenMetadata } from 'zenrouter';
import { scriptHleAnswers, simulatorProviders, startSimulator, type Simulator } from 'zenrouter/testing';
import { readDataset } from 'zenrouter/node';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SIMULATED_MODELS = ['openai/gpt-5-mini', 'anthropic/claude-haiku-4-5', 'google/gemini-2.5-flash'];
const REAL_MODELS: Record<string, string> = {
  OPENAI_API_KEY: 'openai/gpt-5-mini',
  ANTHROPIC_API_KEY: 'anthropic/claude-haiku-4-5',
  GEMINI_API_KEY: 'google/gemini-2.5-flash',
  GOOGLE_API_KEY: 'google/gemini-2.5-flash',
};

const tools = [
  {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    },
  },
];

const personSchema = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' }, city: { type: 'string' } },
  required: ['name', 'age', 'city'],
  additionalProperties: false,
};

function line(metadata: ZenMetadata): string {
  const cost = metadata.cost.total > 0 ? ` $${metadata.cost.total.toFixed(6)}` : '';
  const ttft = metadata.ttftMs !== undefined ? ` ttft ${Math.round(metadata.ttftMs)} ms` : '';
  return `   ↳ ${metadata.channel} · ${metadata.usage.input.total}→${metadata.usage.output.total} tokens${cost}${ttft} · ${Math.round(metadata.durationMs)} ms`;
}

async function showFamily(zen: ZenClient, model: string): Promise<void> {
  console.log(`\n── ${model}`);
  const plain = await zen.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'In one sentence: why route LLM calls in-process?' }],
  });
  console.log(` plain      ${plain.choices[0]!.message.content}`);
  console.log(line(plain.zen));

  const stream = await zen.chat.completions.create({
    model,
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Count from one to five.' }],
  });
  process.stdout.write(' streamed   ');
  for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? '');
  console.log(`\n${line(await stream.metadata())}`);

  const withTool = await zen.chat.completions.create({
    model,
    tools,
    messages: [{ role: 'user', content: 'What is the weather in Lisbon?' }],
  });
  const call = withTool.choices[0]!.message.tool_calls?.[0];
  console.log(
    ` tool call  ${call && call.type === 'function' ? `${call.function.name}(${call.function.arguments})` : '(none)'} · finish ${withTool.choices[0]!.finish_reason}`,
  );

  const structured = await zen.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'Invent a person living in Porto.' }],
    response_format: { type: 'json_schema', json_schema: { name: 'person', schema: personSchema, strict: true } },
  });
  console.log(` json       ${structured.choices[0]!.message.content}`);
}

async function showRouting(zen: ZenClient, sim: Simulator): Promise<void> {
  console.log('\n── routing: model "auto" reads how hard the prompt is (same preference: balanced)');
  const prompts: Array<[string, string]> = [
    ['a greeting', 'Hello!'],
    ['a hard problem', 'Find all positive integers n such that n^2 + 3n + 7 is divisible by 13, and prove that your list is complete.'],
  ];
  for (const [label, content] of prompts) {
    const answer = await zen.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content }],
      zen: { preference: 'balanced', models: SIMULATED_MODELS.concat('openai/gpt-5', 'anthropic/claude-opus-4-1-20250805') },
    });
    console.log(` ${label.padEnd(14)} → ${answer.zen.model}`);
    console.log(`   ${answer.zen.explanation}`);
  }

  console.log('\n── failover: the first channel answers 503, the next one serves the call');
  sim.enqueue(
    'gpt-5-mini',
    { fault: { type: 'http', status: 503, message: 'The server is overloaded.' } },
    { fault: { type: 'http', status: 503 } },
  );
  const failedOver = await zen.chat.completions.create({
    model: ['openai/gpt-5-mini', 'anthropic/claude-haiku-4-5'],
    messages: [{ role: 'user', content: 'Say hello.' }],
  });
  for (const attempt of failedOver.zen.attempts) {
    console.log(
      `   attempt ${attempt.channel} retry ${attempt.retry}: ${attempt.outcome}${attempt.errorKind ? ` (${attempt.errorKind})` : ''} in ${Math.round(attempt.durationMs)} ms`,
    );
  }
  console.log(` answer     ${failedOver.choices[0]!.message.content}`);
}

async function showFaces(zen: ZenClient): Promise<void> {
  console.log('\n── the same engine behind the Anthropic and Gemini shapes, and images');
  const message = await zen.messages.create({
    model: 'gpt-5-mini',
    max_tokens: 200,
    messages: [{ role: 'user', content: 'Hello from the Anthropic shape.' }],
  });
  console.log(
    ` messages.create on gpt-5-mini → ${message.content[0]?.type === 'text' ? message.content[0].text : ''} [${message.stop_reason}]`,
  );
  const response = await zen.models.generateContent({ model: 'claude-haiku-4-5', contents: 'Hello from the Gemini shape.' });
  console.log(` models.generateContent on claude-haiku-4-5 → ${response.text} [${response.candidates?.[0]?.finishReason}]`);
  const image = await zen.images.generate({ model: 'openai/gpt-image-1', prompt: 'A lighthouse at dusk' });
  const png = Buffer.from(image.data?.[0]?.b64_json ?? '', 'base64');
  console.log(
    ` images.generate on gpt-image-1 → a ${png.length}-byte PNG (${png.subarray(1, 4).toString()}), $${image.zen.cost.total.toFixed(6)}`,
  );
}

async function showInsurance(zen: ZenClient, sim: Simulator): Promise<void> {
  console.log('\n── insurance: a slow first token and an invalid JSON answer become claims');
  sim.enqueue('gemini-2.5-flash', { ttftMs: 700 });
  const slow = await zen.chat.completions.create({
    model: 'google/gemini-2.5-flash',
    messages: [{ role: 'user', content: 'Say something.' }],
    stream: true,
  });
  for await (const _chunk of slow) {
    // read it
  }
  sim.enqueue('claude-haiku-4-5', { text: '{"name": "Ada",' });
  const repaired = await zen.chat.completions.create({
    model: ['anthropic/claude-haiku-4-5', 'openai/gpt-5-mini'],
    messages: [{ role: 'user', content: 'Invent a person.' }],
    response_format: { type: 'json_schema', json_schema: { name: 'person', schema: personSchema } },
    zen: { insurance: { repair: true } },
  });
  console.log(` repaired   ${repaired.choices[0]!.message.content} from ${repaired.zen.channel}`);
}

async function showLedger(zen: ZenClient): Promise<void> {
  await zen.flush();
  console.log('\n── ledger summary');
  const totals = await zen.ledger.totals();
  console.log(` ${totals.requests} requests · cost $${totals.costUsd.toFixed(6)} · credits $${totals.creditsUsd.toFixed(6)}`);
  for (const row of await zen.ledger.costByModelByDay())
    console.log(`   ${row.day} ${row.model.padEnd(28)} ${String(row.requests).padStart(3)} calls  $${row.costUsd.toFixed(6)}`);
  const claims = await zen.ledger.claimsSummary();
  for (const [kind, entry] of Object.entries(claims.byKind))
    console.log(`   claim ${kind.padEnd(18)} ×${entry.claims}  credited $${entry.creditedUsd.toFixed(6)}`);
  for (const row of await zen.ledger.latencyByChannel()) {
    console.log(`   ${row.channel.padEnd(40)} p50 ${Math.round(row.p50Ms)} ms · p95 ${Math.round(row.p95Ms)} ms`);
  }
}

async function showEvaluation(zen: ZenClient, sim: Simulator): Promise<void> {
  console.log('\n── evaluation: the bundled HLE-format sample over two channels, graded, compared');
  const items = [];
  for await (const item of readDataset(fileURLToPath(new URL('../data/hle-sample.jsonl', import.meta.url)))) items.push(item);
  scriptHleAnswers(sim, items, { accuracy: { 'gpt-5-mini': 0.8, 'claude-haiku-4-5': 0.6 } });
  const report = await zen.evaluate({
    dataset: items,
    channels: ['openai/gpt-5-mini:openai', 'anthropic/claude-haiku-4-5:anthropic'],
    concurrency: 8,
  });
  for (const channel of report.channels) {
    console.log(
      ` ${channel.channel.padEnd(38)} accuracy ${(100 * channel.accuracy).toFixed(0)}% [${(100 * channel.ci95[0]).toFixed(0)}–${(100 * channel.ci95[1]).toFixed(0)}%] · calibration error ${(100 * (channel.calibrationErrorRms ?? 0)).toFixed(0)}% · $${channel.costUsd.toFixed(4)}`,
    );
  }
  const [comparison] = report.comparisons;
  if (comparison)
    console.log(
      ` McNemar p=${comparison.pValue.toPrecision(2)} on ${comparison.paired} items: ${comparison.worse ? `${comparison.worse} is worse` : 'within chance'}`,
    );
}

/** The command line, as a user runs it: `zenrouter eval --simulate` then `zenrouter report`. */
function showCommandLine(): void {
  const bin = fileURLToPath(new URL('../bin/zenrouter.js', import.meta.url));
  const out = fileURLToPath(new URL('../.tmp/demo/', import.meta.url));
  console.log('\n── the zenrouter command: npx zenrouter eval --simulate, then npx zenrouter report');
  const evaluated = execFileSync(
    process.execPath,
    [bin, 'eval', '--simulate', '--limit', '10', '--quiet', '--fresh', '--out', `${out}results.jsonl`],
    { encoding: 'utf8' },
  );
  for (const line of evaluated.split('\n').filter((text) => /WORSE|answers ·|^results:/.test(text))) console.log(` ${line.trim()}`);
  const reported = execFileSync(process.execPath, [bin, 'report', `${out}results.jsonl`, '-o', `${out}report.html`], { encoding: 'utf8' });
  console.log(` ${reported.trim()}  (one self-contained HTML file: open it in a browser)`);
  console.log(
    ' npx zenrouter dashboard --ledger ledger.jsonl  (a live page over a ledger as your app writes it: see examples/dashboard.ts)',
  );
}

async function main(): Promise<void> {
  const sim = await startSimulator();
  try {
    console.log(`zenrouter demo · simulator at ${sim.url} (OpenAI, Anthropic and Gemini wire protocols)`);
    const zen = new ZenClient({
      providers: await simulatorProviders(sim),
      insurance: { limits: { maxFirstTokenMs: 500 } },
    });
    zen.on('failover', (event) => console.log(`   [event] failover ${event.from} → ${event.to ?? 'none'} (${event.kind})`));
    zen.on('claim', (claim) =>
      console.log(`   [claim] ${claim.eventKind} on ${claim.channel}: $${claim.amountUsd.toFixed(6)} (${claim.rule})`),
    );
    for (const model of SIMULATED_MODELS) await showFamily(zen, model);
    await showRouting(zen, sim);
    await showFaces(zen);
    await showInsurance(zen, sim);
    await showLedger(zen);
    await showEvaluation(zen, sim);
    await zen.close();
  } finally {
    await sim.close();
  }
  showCommandLine();

  const real = Object.entries(REAL_MODELS).filter(([key]) => process.env[key]);
  if (real.length === 0) {
    console.log('\nNo API keys set: set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY to run the same calls on real providers.');
    return;
  }
  console.log('\n══ real providers (from the environment)');
  const zen = new ZenClient();
  for (const model of new Set(real.map(([, model]) => model))) {
    try {
      await showFamily(zen, model);
    } catch (error) {
      console.log(`   ${model} failed: ${ZenError.isInstance(error) ? `${error.kind}: ${error.message}` : String(error)}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
