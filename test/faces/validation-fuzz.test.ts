import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZenClient, ZenError } from '../../src/index.js';
import { tinyPng } from '../../src/testing/png.js';
import { useSimulator } from '../helpers/simulator.js';
import { zenOver } from './helpers.js';

/**
 * Fuzz: every face and every option, through a real ZenClient over the real SDKs and the
 * simulator, with one malformed field in an otherwise valid call. Each run must settle at once
 * with a typed ZenError naming that field; nothing may reach a provider, move a breaker, or touch
 * Object.prototype. `FUZZ_SEED=<n>` replays a run (fast-check prints the seed of a failure);
 * `FUZZ_RUNS=<n>` runs more.
 */

const sim = useSimulator();
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** A bad value with a readable name, so that a failure prints the name rather than 10,000 brackets. */
interface Bad {
  label: string;
  make: () => unknown;
}

function bad(label: string, make: () => unknown): Bad {
  return { label, make, [fc.toStringMethod]: () => label } as Bad;
}

function deepArray(depth: number): unknown {
  let value: unknown = 'x';
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

function deepObject(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { type: 'string' };
  for (let level = 0; level < depth; level++) value = { type: 'object', properties: { a: value } };
  return value;
}

function circular(): Record<string, unknown> {
  const value: Record<string, unknown> = { type: 'object' };
  value.properties = { self: value };
  return value;
}

/** JSON that tries to reach Object.prototype when copied by a careless merge. */
function pollution(): Record<string, unknown> {
  return JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}') as Record<string, unknown>;
}

const SYMBOL = bad('Symbol()', () => Symbol('bad'));
const BIGINT = bad('10n', () => 10n);
const FUNCTION = bad('a function', () => () => 'x');
const NULL_PROTO = bad('Object.create(null)', () => Object.create(null) as object);
const CIRCULAR = bad('a circular object', circular);
const DEEP_ARRAY = bad('a 10,000-deep array', () => deepArray(10_000));
const DEEP_OBJECT = bad('a 10,000-deep object', () => deepObject(10_000));
const POLLUTION = bad('a __proto__ / constructor.prototype payload', pollution);
const NAN = bad('NaN', () => Number.NaN);
const INFINITY = bad('Infinity', () => Number.POSITIVE_INFINITY);
const MINUS_INFINITY = bad('-Infinity', () => Number.NEGATIVE_INFINITY);
const EMPTY_OBJECT = bad('{}', () => ({}));
const EMPTY_ARRAY = bad('[]', () => []);
const DATE = bad('a Date', () => new Date(0));

const constants = (...values: Bad[]): fc.Arbitrary<Bad> => fc.constantFrom(...values);
const generated = <T>(arbitrary: fc.Arbitrary<T>, name: string): fc.Arbitrary<Bad> =>
  arbitrary.map((value) => bad(`${name} ${String(value)}`, () => value));

/** Values no scalar field takes. */
const exotic = constants(
  SYMBOL,
  BIGINT,
  FUNCTION,
  NULL_PROTO,
  CIRCULAR,
  DEEP_ARRAY,
  DEEP_OBJECT,
  POLLUTION,
  DATE,
  EMPTY_OBJECT,
  EMPTY_ARRAY,
);
const nonFinite = constants(NAN, INFINITY, MINUS_INFINITY);
const notObject = fc.oneof(
  constants(SYMBOL, BIGINT, FUNCTION, DEEP_ARRAY, EMPTY_ARRAY, NAN, INFINITY),
  generated(fc.string(), 'string'),
  generated(fc.double(), 'number'),
  generated(fc.boolean(), 'boolean'),
);

/** What a field takes, as the kind of bad values to throw at it. */
const KINDS = {
  string: fc.oneof(
    exotic,
    nonFinite,
    generated(fc.integer(), 'integer'),
    generated(fc.boolean(), 'boolean'),
    generated(fc.array(fc.string(), { minLength: 1 }), 'string array'),
  ),
  nonEmptyString: fc.oneof(exotic, nonFinite, constants(bad("''", () => '')), generated(fc.integer(), 'integer')),
  finite: fc.oneof(exotic, nonFinite, generated(fc.string(), 'string'), generated(fc.boolean(), 'boolean')),
  milliseconds: fc.oneof(exotic, nonFinite, generated(fc.double({ max: 0, noNaN: true }), 'number <= 0'), generated(fc.string(), 'string')),
  delay: fc.oneof(
    exotic,
    nonFinite,
    generated(fc.double({ max: -Number.MIN_VALUE, noNaN: true }), 'number < 0'),
    generated(fc.string(), 'string'),
  ),
  whole: fc.oneof(
    exotic,
    nonFinite,
    generated(fc.integer({ max: -1 }), 'negative integer'),
    generated(
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
      'fraction',
    ),
    generated(fc.string(), 'string'),
  ),
  integer: fc.oneof(
    exotic,
    nonFinite,
    generated(
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
      'fraction',
    ),
    generated(fc.string(), 'string'),
  ),
  positiveWhole: fc.oneof(
    exotic,
    nonFinite,
    generated(fc.integer({ max: 0 }), 'integer <= 0'),
    generated(
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
      'fraction',
    ),
    generated(fc.string(), 'string'),
  ),
  ratio: fc.oneof(
    exotic,
    nonFinite,
    generated(
      fc.double({ noNaN: true }).filter((n) => n < 0 || n > 1),
      'number outside 0..1',
    ),
    generated(fc.string(), 'string'),
  ),
  object: notObject,
  array: fc.oneof(
    exotic.filter((value) => value !== EMPTY_ARRAY && value !== DEEP_ARRAY),
    nonFinite,
    generated(fc.string(), 'string'),
    generated(fc.integer(), 'integer'),
  ),
  idList: fc.oneof(
    generated(fc.string(), 'string'),
    constants(SYMBOL, BIGINT, NULL_PROTO, EMPTY_OBJECT, NAN),
    fc
      .oneof(
        constants(SYMBOL, BIGINT, NAN, EMPTY_OBJECT, NULL_PROTO, DEEP_ARRAY),
        generated(fc.integer(), 'integer'),
        constants(bad("''", () => '')),
      )
      .map((item) => bad(`[${item.label}]`, () => ['openai/gpt-5-mini', item.make()])),
  ),
  stringList: fc.oneof(
    generated(fc.string(), 'string'),
    constants(SYMBOL, BIGINT, NULL_PROTO, EMPTY_OBJECT, NAN),
    fc
      .oneof(constants(SYMBOL, BIGINT, NAN, EMPTY_OBJECT, NULL_PROTO, DEEP_ARRAY), generated(fc.integer(), 'integer'))
      .map((item) => bad(`['END', ${item.label}]`, () => ['END', item.make()])),
  ),
  json: fc.oneof(
    constants(CIRCULAR, DEEP_OBJECT, DEEP_ARRAY, SYMBOL, BIGINT, FUNCTION, NAN),
    fc
      .tuple(constants(SYMBOL, BIGINT, FUNCTION, NAN, INFINITY, CIRCULAR, DEEP_ARRAY), fc.integer({ min: 0, max: 5 }))
      .map(([inner, depth]) =>
        bad(`${inner.label} at depth ${depth} beside a pollution payload`, () => {
          const root = pollution();
          let node: Record<string, unknown> = root;
          for (let level = 0; level < depth; level++) node = node[`level${level}`] = { type: 'object' };
          node.bad = inner.make();
          return root;
        }),
      ),
  ),
  signal: fc.oneof(
    constants(
      EMPTY_OBJECT,
      NULL_PROTO,
      SYMBOL,
      BIGINT,
      FUNCTION,
      CIRCULAR,
      NAN,
      bad('{ aborted: false }', () => ({ aborted: false })),
    ),
    generated(fc.string(), 'string'),
    generated(fc.integer(), 'integer'),
  ),
  role: fc.oneof(
    constants(
      SYMBOL,
      NULL_PROTO,
      BIGINT,
      EMPTY_OBJECT,
      EMPTY_ARRAY,
      NAN,
      bad("'User'", () => 'User'),
      bad("'robot'", () => 'robot'),
    ),
    generated(fc.integer(), 'integer'),
  ),
  preference: fc.oneof(
    constants(
      SYMBOL,
      BIGINT,
      NULL_PROTO,
      EMPTY_OBJECT,
      EMPTY_ARRAY,
      NAN,
      INFINITY,
      bad("'cheap'", () => 'cheap'),
      bad("'Price'", () => 'Price'),
    ),
    generated(
      fc.double({ noNaN: true }).filter((n) => n < 0 || n > 1),
      'number outside 0..1',
    ),
    generated(
      fc.string().filter((s) => !['price', 'balanced', 'quality', 'speed'].includes(s)),
      'string',
    ),
  ),
  hedge: fc.oneof(
    constants(SYMBOL, BIGINT, EMPTY_ARRAY, NAN, DEEP_ARRAY, FUNCTION),
    generated(fc.integer(), 'integer'),
    generated(fc.string(), 'string'),
  ),
  policy: fc.oneof(
    constants(
      EMPTY_OBJECT,
      NULL_PROTO,
      SYMBOL,
      BIGINT,
      EMPTY_ARRAY,
      NAN,
      CIRCULAR,
      bad("{ name: 'x' }", () => ({ name: 'x' })),
      bad("''", () => ''),
    ),
    generated(fc.integer(), 'integer'),
  ),
  modelSpec: fc.oneof(
    constants(
      SYMBOL,
      BIGINT,
      EMPTY_OBJECT,
      EMPTY_ARRAY,
      NULL_PROTO,
      NAN,
      bad("''", () => ''),
      bad("['']", () => ['']),
      bad('[Symbol()]', () => [Symbol('m')]),
    ),
    generated(fc.integer(), 'integer'),
  ),
  content: fc.oneof(
    constants(SYMBOL, BIGINT, FUNCTION, NULL_PROTO, EMPTY_OBJECT, NAN, CIRCULAR),
    generated(fc.integer(), 'integer'),
    generated(fc.boolean(), 'boolean'),
  ),
  part: fc.oneof(
    constants(
      SYMBOL,
      BIGINT,
      FUNCTION,
      NAN,
      EMPTY_ARRAY,
      DEEP_ARRAY,
      bad('null', () => null),
    ),
    generated(fc.integer(), 'integer'),
    generated(fc.boolean(), 'boolean'),
  ),
  image: fc.oneof(
    constants(
      SYMBOL,
      BIGINT,
      EMPTY_OBJECT,
      NULL_PROTO,
      NAN,
      CIRCULAR,
      bad("'not base64!'", () => 'not base64!'),
    ),
    generated(fc.integer(), 'integer'),
  ),
} satisfies Record<string, fc.Arbitrary<Bad>>;

type Kind = keyof typeof KINDS;
type Path = Array<string | number>;
type Target = [Path, Kind];

/** Routing options, under `zen` in a body, in the call options, or as the client's `routing`. */
const ROUTING_TARGETS: Target[] = [
  [['preference'], 'preference'],
  [['models'], 'idList'],
  [['exclude'], 'idList'],
  [['providers'], 'idList'],
  [['maxCost'], 'delay'],
  [['minQuality'], 'ratio'],
  [['maxLatencyMs'], 'milliseconds'],
  [['session'], 'nonEmptyString'],
  [['policy'], 'policy'],
  [['maxChannels'], 'positiveWhole'],
  [['timeouts'], 'object'],
  [['timeouts', 'totalMs'], 'milliseconds'],
  [['timeouts', 'attemptMs'], 'milliseconds'],
  [['timeouts', 'firstTokenMs'], 'milliseconds'],
  [['timeouts', 'idleMs'], 'milliseconds'],
  [['retry'], 'object'],
  [['retry', 'retries'], 'whole'],
  [['retry', 'minDelayMs'], 'delay'],
  [['retry', 'maxRetryAfterMs'], 'delay'],
  [['hedge'], 'hedge'],
  [['hedge', 'quantile'], 'ratio'],
  [['hedge', 'maxRate'], 'ratio'],
  [['hedge', 'minDelayMs'], 'delay'],
];
const ZEN_TARGETS: Target[] = [
  ...ROUTING_TARGETS,
  [['insurance'], 'object'],
  [['insurance', 'consistencySamples'], 'whole'],
  [['insurance', 'detectors'], 'stringList'],
  [['tags'], 'object'],
  [['tags', 'team'], 'string'],
];
const VALID_ROUTING = (): Record<string, unknown> => ({ timeouts: { totalMs: 60_000 }, retry: { retries: 0 }, hedge: { quantile: 0.9 } });
const VALID_ZEN = (): Record<string, unknown> => ({
  ...VALID_ROUTING(),
  insurance: { consistencySamples: 0, detectors: ['latency'] },
  tags: { team: 'search' },
});

const zenTargets = (prefix: Path): Target[] => [
  [prefix, 'object'],
  ...ZEN_TARGETS.map(([path, kind]): Target => [[...prefix, ...path], kind]),
];

type Run = (zen: ZenClient, body: Record<string, unknown>, options: Record<string, unknown>) => Promise<unknown>;

interface Face {
  name: string;
  body: () => Record<string, unknown>;
  run: Run;
  targets: Target[];
}

const chatBody = (): Record<string, unknown> => ({
  model: 'openai/gpt-5-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
  ],
  tools: [
    {
      type: 'function',
      function: { name: 'lookup', description: 'Looks up', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
    },
  ],
  response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } },
  temperature: 0.5,
  max_tokens: 50,
  stop: ['END'],
  seed: 1,
  user: 'user-1',
  stream_options: { include_usage: true },
  zen: VALID_ZEN(),
});
const CHAT_TARGETS: Target[] = [
  [['model'], 'modelSpec'],
  [['models'], 'idList'],
  [['messages'], 'array'],
  [['messages', 1], 'part'],
  [['messages', 1, 'role'], 'role'],
  [['messages', 0, 'content'], 'content'],
  [['messages', 1, 'content', 0], 'part'],
  [['messages', 1, 'content', 0, 'text'], 'string'],
  [['tools'], 'array'],
  [['tools', 0], 'part'],
  [['tools', 0, 'function', 'name'], 'nonEmptyString'],
  [['tools', 0, 'function', 'parameters'], 'json'],
  [['tools', 0, 'function', 'description'], 'string'],
  [['response_format'], 'object'],
  [['response_format', 'type'], 'string'],
  [['response_format', 'json_schema', 'schema'], 'json'],
  [['temperature'], 'finite'],
  [['max_tokens'], 'positiveWhole'],
  [['user'], 'string'],
  [['stream_options'], 'object'],
  [['seed'], 'integer'],
  ...zenTargets(['zen']),
];

const messagesBody = (): Record<string, unknown> => ({
  model: 'anthropic/claude-haiku-4-5',
  max_tokens: 100,
  system: 'Be brief.',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
  tools: [{ name: 'lookup', description: 'Looks up', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
  metadata: { user_id: 'user-1' },
  temperature: 0.5,
  stop_sequences: ['END'],
  zen: VALID_ZEN(),
});
const MESSAGES_TARGETS: Target[] = [
  [['model'], 'modelSpec'],
  [['max_tokens'], 'positiveWhole'],
  [['system'], 'content'],
  [['messages'], 'array'],
  [['messages', 0], 'part'],
  [['messages', 0, 'role'], 'role'],
  [['messages', 0, 'content'], 'content'],
  [['messages', 0, 'content', 0], 'part'],
  [['messages', 0, 'content', 0, 'text'], 'string'],
  [['tools'], 'array'],
  [['tools', 0, 'input_schema'], 'json'],
  [['tools', 0, 'name'], 'nonEmptyString'],
  [['tool_choice'], 'object'],
  [['metadata', 'user_id'], 'string'],
  [['temperature'], 'finite'],
  [['stop_sequences'], 'stringList'],
  [['thinking'], 'object'],
  ...zenTargets(['zen']),
];

const generateBody = (): Record<string, unknown> => ({
  model: 'google/gemini-2.5-flash',
  contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
  config: {
    systemInstruction: 'Be brief.',
    temperature: 0.5,
    maxOutputTokens: 100,
    tools: [
      {
        functionDeclarations: [
          { name: 'lookup', description: 'Looks up', parameters: { type: 'OBJECT', properties: { q: { type: 'STRING' } } } },
        ],
      },
    ],
    thinkingConfig: { thinkingBudget: 0 },
  },
  zen: VALID_ZEN(),
});
const GENERATE_TARGETS: Target[] = [
  [['model'], 'modelSpec'],
  [['contents'], 'content'],
  [['contents', 0, 'role'], 'string'],
  [['contents', 0, 'parts'], 'array'],
  [['contents', 0, 'parts', 0, 'text'], 'string'],
  [['config'], 'object'],
  [['config', 'temperature'], 'finite'],
  [['config', 'maxOutputTokens'], 'positiveWhole'],
  [['config', 'tools'], 'array'],
  [['config', 'tools', 0, 'functionDeclarations', 0, 'parameters'], 'json'],
  [['config', 'tools', 0, 'functionDeclarations', 0, 'name'], 'nonEmptyString'],
  [['config', 'systemInstruction'], 'content'],
  [['config', 'abortSignal'], 'signal'],
  [['config', 'stopSequences'], 'stringList'],
  ...zenTargets(['zen']),
];

const imageBody = (): Record<string, unknown> => ({
  model: 'openai/gpt-image-1',
  prompt: 'A lighthouse',
  n: 1,
  size: '1024x1024',
  quality: 'low',
  user: 'user-1',
  zen: VALID_ZEN(),
});
const IMAGE_TARGETS: Target[] = [
  [['model'], 'modelSpec'],
  [['models'], 'idList'],
  [['prompt'], 'nonEmptyString'],
  [['n'], 'positiveWhole'],
  [['size'], 'string'],
  [['user'], 'string'],
  ...zenTargets(['zen']),
];

const responsesBody = (): Record<string, unknown> => ({
  model: 'openai/gpt-5-mini',
  instructions: 'Be brief.',
  input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }],
  tools: [
    {
      type: 'function',
      name: 'lookup',
      description: 'Looks up',
      parameters: { type: 'object', properties: { q: { type: 'string' } } },
      strict: false,
    },
  ],
  text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' } } },
  temperature: 0.5,
  max_output_tokens: 50,
  user: 'user-1',
  metadata: { team: 'search' },
  include: ['reasoning.encrypted_content'],
  store: false,
  zen: VALID_ZEN(),
});
const RESPONSES_TARGETS: Target[] = [
  [['model'], 'modelSpec'],
  [['models'], 'idList'],
  [['input'], 'content'],
  [['input', 0], 'part'],
  [['input', 0, 'role'], 'role'],
  [['input', 0, 'content'], 'content'],
  [['input', 0, 'content', 0], 'part'],
  [['input', 0, 'content', 0, 'text'], 'string'],
  [['instructions'], 'string'],
  [['tools'], 'array'],
  [['tools', 0], 'part'],
  [['tools', 0, 'name'], 'nonEmptyString'],
  [['tools', 0, 'parameters'], 'json'],
  [['tools', 0, 'description'], 'string'],
  [['text'], 'object'],
  [['text', 'format', 'name'], 'nonEmptyString'],
  [['text', 'format', 'schema'], 'json'],
  [['temperature'], 'finite'],
  [['top_p'], 'finite'],
  [['max_output_tokens'], 'positiveWhole'],
  [['user'], 'string'],
  [['metadata', 'team'], 'string'],
  [['reasoning'], 'object'],
  [['previous_response_id'], 'nonEmptyString'],
  [['include'], 'stringList'],
  ...zenTargets(['zen']),
];

/** The body with `stream: true`; a body that is not an object is passed as it is. */
const streamed = (body: unknown): unknown =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, stream: true } : body;

const drain = async (stream: unknown): Promise<void> => {
  for await (const _ of stream as AsyncIterable<unknown>);
};

const face = (definition: Face): Face => ({ ...definition, [fc.toStringMethod]: () => definition.name }) as Face;

const FACES: Face[] = [
  face({
    name: 'chat.completions.create',
    body: chatBody,
    run: (zen, body, options) => zen.chat.completions.create(body as never, options),
    targets: CHAT_TARGETS,
  }),
  face({
    name: 'chat.completions.create stream',
    body: chatBody,
    run: (zen, body, options) => zen.chat.completions.create(streamed(body) as never, options).then(drain),
    targets: CHAT_TARGETS,
  }),
  face({
    name: 'messages.create',
    body: messagesBody,
    run: (zen, body, options) => zen.messages.create(body as never, options),
    targets: MESSAGES_TARGETS,
  }),
  face({
    name: 'messages.create stream',
    body: messagesBody,
    run: (zen, body, options) => zen.messages.create(streamed(body) as never, options).then(drain),
    targets: MESSAGES_TARGETS,
  }),
  face({
    name: 'messages.stream',
    body: messagesBody,
    run: (zen, body, options) => zen.messages.stream(body as never, options).finalMessage(),
    targets: MESSAGES_TARGETS,
  }),
  face({
    name: 'models.generateContent',
    body: generateBody,
    run: (zen, body, options) => zen.models.generateContent(body as never, options),
    targets: GENERATE_TARGETS,
  }),
  face({
    name: 'models.generateContentStream',
    body: generateBody,
    run: (zen, body, options) => zen.models.generateContentStream(body as never, options).then(drain),
    targets: GENERATE_TARGETS,
  }),
  face({
    name: 'responses.create',
    body: responsesBody,
    run: (zen, body, options) => zen.responses.create(body as never, options),
    targets: RESPONSES_TARGETS,
  }),
  face({
    name: 'responses.create stream',
    body: responsesBody,
    run: (zen, body, options) => zen.responses.create(streamed(body) as never, options).then(drain),
    targets: RESPONSES_TARGETS,
  }),
  face({
    name: 'images.generate',
    body: imageBody,
    run: (zen, body, options) => zen.images.generate(body as never, options),
    targets: IMAGE_TARGETS,
  }),
  face({
    name: 'images.edit',
    body: () => ({ ...imageBody(), image: tinyPng('fuzz').toString('base64') }),
    run: (zen, body, options) => zen.images.edit(body as never, options),
    targets: [...IMAGE_TARGETS, [['image'], 'image']],
  }),
];

/** The second argument of every face method. */
const CALL_OPTION_TARGETS: Target[] = [
  [['signal'], 'signal'],
  [['timeout'], 'milliseconds'],
  [['maxRetries'], 'whole'],
  ...zenTargets(['zen']),
];
const validCallOptions = (): Record<string, unknown> => ({
  signal: new AbortController().signal,
  timeout: 60_000,
  maxRetries: 0,
  zen: VALID_ZEN(),
});

const CONSTRUCTOR_TARGETS: Target[] = [
  [['routing'], 'object'],
  ...ROUTING_TARGETS.map(([path, kind]): Target => [['routing', ...path], kind]),
  [['breaker'], 'object'],
  [['breaker', 'cooldownMs'], 'delay'],
  [['breaker', 'failureRate'], 'ratio'],
  [['breaker', 'windowSize'], 'positiveWhole'],
  [['breaker', 'allowedFailures'], 'whole'],
  [['retryBudget'], 'object'],
  [['retryBudget', 'capacity'], 'delay'],
  [['retryBudget', 'retryCost'], 'delay'],
  [['policies'], 'object'],
  [['policies', 'mine'], 'policy'],
  [['qualityModel'], 'policy'],
  [['providers'], 'object'],
  [['models'], 'object'],
  [['channels'], 'object'],
];
const validClientOptions = (): Record<string, unknown> => ({
  providers: {},
  routing: VALID_ROUTING(),
  breaker: { cooldownMs: 1_000, failureRate: 0.5, windowSize: 10, allowedFailures: 2 },
  retryBudget: { capacity: 100, retryCost: 5 },
  policies: { mine: { name: 'mine', decide: () => ({ order: [], explanation: '' }) } },
});

function setPath(root: Record<string, unknown>, path: Path, value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function pathText(path: Path): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`)).join('');
}

/** Settles within a few turns of the event loop, with no I/O: a call refused before any request is sent. */
async function settlesAtOnce(promise: Promise<unknown>): Promise<{ settled: boolean; error: unknown }> {
  let outcome: { settled: boolean; error: unknown } = { settled: false, error: undefined };
  void promise.then(
    () => (outcome = { settled: true, error: undefined }),
    (error: unknown) => (outcome = { settled: true, error }),
  );
  for (let turn = 0; turn < 20 && !outcome.settled; turn++) await new Promise((resolve) => setImmediate(resolve));
  return outcome;
}

function expectNamedError(error: unknown, kind: 'invalid_request' | 'configuration', path: string): void {
  if (!ZenError.isInstance(error)) throw new Error(`expected a ZenError for ${path}, got ${String(error)}`);
  expect(error.kind, error.message).toBe(kind);
  expect(error.retryable).toBe(false);
  // The field itself, or a field inside it (a 10,000-deep array in `contents` is refused at `contents[0]`).
  const named = error.code === path || error.code?.startsWith(`${path}.`) || error.code?.startsWith(`${path}[`);
  expect(named, `code ${String(error.code)} for ${path}: ${error.message}`).toBe(true);
  expect(error.message).toContain(error.code!);
}

function prototypeSnapshot(): string {
  const describe = (target: object): string[] =>
    Object.getOwnPropertyNames(target).map((name) => `${name}:${typeof Object.getOwnPropertyDescriptor(target, name)?.value}`);
  return JSON.stringify([describe(Object.prototype), describe(Array.prototype), describe(Function.prototype)]);
}

function targetArbitrary<T>(items: T[], targets: (item: T) => Target[]): fc.Arbitrary<{ item: T; path: Path; value: Bad }> {
  return fc
    .constantFrom(...items)
    .chain((item) => fc.constantFrom(...targets(item)).chain(([path, kind]) => KINDS[kind].map((value) => ({ item, path, value }))));
}

describe('fuzz: malformed input through every face and option', () => {
  it('is refused with a typed error naming the field, at once, without reaching a provider or a breaker, and leaves Object.prototype alone', async () => {
    const zen = await zenOver(sim);
    const events: string[] = [];
    for (const event of ['breaker', 'attempt', 'failover'] as const) zen.on(event, () => events.push(event));
    const before = prototypeSnapshot();
    // A body field, or a call option (each face's second argument).
    const cases = fc.oneof(
      targetArbitrary(FACES, (face) => face.targets).map((test) => ({ ...test, where: 'body' as const })),
      targetArbitrary(FACES, () => CALL_OPTION_TARGETS).map((test) => ({ ...test, where: 'options' as const })),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ item: face, path, value, where }) => {
        const body = face.body();
        const options = validCallOptions();
        setPath(where === 'body' ? body : options, path, value.make());
        const { settled, error } = await settlesAtOnce(face.run(zen, body, options));
        expect(settled, `${face.name} ${where} ${pathText(path)} = ${value.label} did not settle without I/O`).toBe(true);
        expectNamedError(error, 'invalid_request', pathText(path));
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect(sim.calls).toHaveLength(0);
    expect(events).toEqual([]);
    expect(zen.catalog.channels().every((channel) => zen.state.breakerState(channel) === 'closed')).toBe(true);
    expect(prototypeSnapshot()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Every face still serves a valid call, options included.
    for (const face of FACES) await face.run(zen, face.body(), validCallOptions());
    expect(sim.calls.length).toBeGreaterThanOrEqual(FACES.length);
  });

  it('refuses malformed constructor options with a configuration error naming the option', () => {
    const before = prototypeSnapshot();
    fc.assert(
      fc.property(
        targetArbitrary([undefined], () => CONSTRUCTOR_TARGETS),
        ({ path, value }) => {
          const options = validClientOptions();
          setPath(options, path, value.make());
          let error: unknown;
          try {
            new ZenClient(options);
          } catch (failure) {
            error = failure;
          }
          expectNamedError(error, 'configuration', pathText(path));
        },
      ),
      { numRuns: Math.ceil(RUNS / 3), seed: SEED, endOnFailure: true },
    );
    expect(prototypeSnapshot()).toBe(before);
    expect(() => new ZenClient(validClientOptions())).not.toThrow();
  });

  it('refuses a call options argument or client options that are not objects', async () => {
    const zen = await zenOver(sim);
    for (const options of [5, 'x', Symbol('o'), true, 10n, [], () => 1]) {
      expectNamedError(
        await zen.chat.completions.create(chatBody() as never, options as never).catch((error: unknown) => error),
        'invalid_request',
        'options',
      );
      expectNamedError(
        (() => {
          try {
            new ZenClient(options as never);
          } catch (error) {
            return error;
          }
        })(),
        'configuration',
        'options',
      );
    }
    for (const body of [undefined, null, 5, 'x', Symbol('b'), [], 10n]) {
      for (const face of FACES)
        expectNamedError(await face.run(zen, body as never, {}).catch((error: unknown) => error), 'invalid_request', 'body');
    }
    expect(sim.calls).toHaveLength(0);
  });
});
