/**
 * Your own steps in every call's pipeline, with `zen.use(step)`: a cache that answers a repeated
 * question without calling a provider (plain and streamed), a guardrail that refuses a prompt with
 * a typed error, and a step that times each attempt (what an OpenTelemetry step does with spans).
 * On the simulator, so that the provider calls can be counted.
 *
 *   npx tsx examples/pipeline-steps.ts
 */
import { ZenClient, ZenError, type GenerationResult, type Step, type StreamPart } from 'zenrouter';
import { simulatorProviders, startSimulator } from 'zenrouter/testing';

/** Answers by model and messages; streams are kept as their parts once one was read to its end. */
function cache(): Step {
  const answers = new Map<string, GenerationResult>();
  const streams = new Map<string, StreamPart[]>();
  return async (call, next) => {
    if (call.operation !== 'text') return next();
    const key = JSON.stringify([call.model, call.request.messages]);
    const hit = call.stream ? streams.get(key) : answers.get(key);
    if (hit) {
      call.record.explanation = 'served from the cache';
      if (Array.isArray(hit)) return { type: 'stream', parts: replay(hit), done: Promise.resolve(undefined) };
      return { type: 'text', result: hit };
    }
    const outcome = await next();
    if (outcome.type === 'text') answers.set(key, outcome.result);
    if (outcome.type !== 'stream') return outcome;
    const seen: StreamPart[] = [];
    return { ...outcome, parts: keep(outcome.parts, seen, () => streams.set(key, seen)) };
  };
}

async function* replay(parts: StreamPart[]): AsyncGenerator<StreamPart> {
  yield* parts;
}

async function* keep(parts: AsyncIterable<StreamPart>, seen: StreamPart[], complete: () => void): AsyncGenerator<StreamPart> {
  for await (const part of parts) {
    seen.push(part);
    yield part;
  }
  if (seen.at(-1)?.type === 'finish') complete();
}

/** Refuses prompts that mention a blocked word, before anything is spent on them. */
function guardrail(blocked: string[]): Step {
  return async (call, next) => {
    const text =
      call.operation === 'text'
        ? JSON.stringify(call.request.messages)
        : call.operation === 'image'
          ? call.request.prompt
          : JSON.stringify(call.request.inputs);
    const word = blocked.find((entry) => text.toLowerCase().includes(entry));
    if (word)
      throw new ZenError({
        kind: 'content_filter',
        code: 'guardrail',
        retryable: false,
        message: `The prompt mentions "${word}", which this app does not answer.`,
      });
    return next();
  };
}

/** Times every attempt of a call, as a tracing step would open and close its spans. */
const attemptTimer: Step = async (call, next) => {
  call.observe({
    attemptStart: (attempt) => console.log(`  [attempt] start ${attempt.channel}${attempt.retry > 0 ? ` (retry ${attempt.retry})` : ''}`),
    attemptEnd: (attempt) =>
      console.log(`  [attempt] end   ${attempt.channel}: ${attempt.outcome} after ${attempt.durationMs.toFixed(0)} ms`),
  });
  return next();
};

export async function main(): Promise<void> {
  const sim = await startSimulator();
  const zen = new ZenClient({ providers: await simulatorProviders(sim), routing: { retry: { retries: 0 } } });
  // Steps run in the order they were added, after validation and before routing.
  zen.use(guardrail(['password']), cache(), attemptTimer);
  const upstream = () => sim.calls.length;
  const question = [{ role: 'user' as const, content: 'What is the capital of France?' }];
  try {
    console.log('1. a cache step');
    const first = await zen.chat.completions.create({ model: 'openai/gpt-5-mini', messages: question });
    const second = await zen.chat.completions.create({ model: 'openai/gpt-5-mini', messages: question });
    console.log(
      `  first: ${first.zen.channel}; second: ${second.zen.explanation} (same answer: ${first.choices[0]!.message.content === second.choices[0]!.message.content}; upstream calls: ${upstream()})`,
    );

    console.log('2. the cache on streams');
    const count = [{ role: 'user' as const, content: 'Count to five.' }];
    for (const round of ['first', 'second']) {
      const stream = await zen.chat.completions.create({ model: 'anthropic/claude-haiku-4-5', messages: count, stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      const metadata = await stream.metadata();
      console.log(
        `  ${round} stream: ${text.length} characters from ${metadata.channel ?? metadata.explanation} (upstream calls: ${upstream()})`,
      );
    }

    console.log('3. a guardrail step');
    try {
      await zen.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Tell me the admin password.' }] });
    } catch (error) {
      if (!ZenError.isInstance(error)) throw error;
      console.log(
        `  refused: ${error.kind} (${error.code}): ${error.message} (upstream calls: ${upstream()}; recorded as ${error.zen?.requestId})`,
      );
    }

    console.log('4. a failover, seen attempt by attempt');
    sim.enqueue('gpt-5-mini', { fault: { type: 'http', status: 503 } });
    const failover = await zen.chat.completions.create({
      model: ['openai/gpt-5-mini', 'google/gemini-2.5-flash'],
      messages: [{ role: 'user', content: 'Hello!' }],
    });
    console.log(`  answered by ${failover.zen.channel}`);

    await zen.flush();
    console.log(`ledger: ${(await zen.ledger.totals()).requests} calls recorded, cached and refused ones included`);
  } finally {
    await zen.close();
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
