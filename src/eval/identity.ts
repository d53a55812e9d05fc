import { ZenError } from '../core/errors.js';
import { modelOfChannel } from '../insurance/stores/match-query.js';
import type { EvalClient } from './client.js';
import { normalizeAnswer } from './grade.js';

export interface IdentityProbeOptions {
  /** Channels to probe (`vendor/model:provider`); channels of one model are compared with each other. */
  channels: string[];
  /** Short prompts every channel of a model should answer alike at temperature 0 (defaults below). */
  prompts?: string[];
  /** Names the self-report must mention, per model id (default: read from the vendor and the model name). */
  expectedNames?: Record<string, string[]>;
  signal?: AbortSignal;
}

export interface IdentityProbeResult {
  channel: string;
  model: string;
  /** What the channel says it is. */
  selfReport: string;
  /** The self-report names the model's family (`gpt`, `claude`, `gemini`, or the model's own name). */
  claimsModel: boolean;
  /** Share of the prompts it answered like the other channels of its model (undefined without another channel). */
  agreement: number | undefined;
  flagged: boolean;
  reasons: string[];
}

export const IDENTITY_QUESTION = 'Which model are you? Answer with your model name and version only.';

/** Short, deterministic prompts: the same weights at temperature 0 answer them the same way. */
export const FINGERPRINT_PROMPTS = [
  'Complete with one word: The quick brown fox jumps over the lazy',
  'Reply with a random-looking 6-letter word and nothing else.',
  'What is 17 * 23? Reply with the number only.',
  'Name one colour. One word only.',
  'Write the first line of a poem about rain, under 10 words.',
];

const FAMILY_NAMES: Record<string, string[]> = {
  openai: ['gpt', 'openai', 'chatgpt', 'o1', 'o3', 'o4'],
  anthropic: ['claude', 'anthropic'],
  google: ['gemini', 'google', 'gemma'],
  deepseek: ['deepseek'],
  xai: ['grok', 'xai'],
  mistral: ['mistral', 'mixtral', 'codestral'],
  moonshotai: ['kimi', 'moonshot'],
  alibaba: ['qwen'],
  meta: ['llama', 'meta'],
};

/**
 * Asks each channel which model it is, and a few short prompts at temperature 0 that channels
 * serving the same weights answer alike. Flags a channel whose self-report does not name its
 * model's family, or that agrees with the other channels of its model on fewer than half of the
 * prompts. A heuristic, not proof: a model may not know its name, and sampling may differ by host.
 */
export async function probeIdentity(zen: EvalClient, options: IdentityProbeOptions): Promise<IdentityProbeResult[]> {
  if (!Array.isArray(options.channels) || options.channels.length === 0)
    throw new ZenError({ kind: 'configuration', retryable: false, message: 'probeIdentity needs `channels`' });
  const prompts = options.prompts ?? FINGERPRINT_PROMPTS;
  const ask = async (channel: string, prompt: string): Promise<string> => {
    const completion = await zen.chat.completions.create(
      {
        model: channel,
        messages: [{ role: 'user', content: prompt }],
        temperature: 0,
        max_completion_tokens: 64,
        stream: false,
        zen: { tags: { zen_eval_role: 'identity' }, hedge: false },
      },
      options.signal ? { signal: options.signal } : undefined,
    );
    return completion.choices[0]?.message.content ?? '';
  };
  const answers = new Map<string, { self: string; fingerprint: string[] }>();
  await Promise.all(
    options.channels.map(async (channel) => {
      const [self, ...fingerprint] = await Promise.all([ask(channel, IDENTITY_QUESTION), ...prompts.map((prompt) => ask(channel, prompt))]);
      answers.set(channel, { self: self!, fingerprint: fingerprint.map(normalizeAnswer) });
    }),
  );
  return options.channels.map((channel) => {
    const model = modelOfChannel(channel) ?? channel;
    const { self, fingerprint } = answers.get(channel)!;
    const names = options.expectedNames?.[model] ?? expectedNames(model);
    const lower = self.toLowerCase();
    const claimsModel = names.some((name) => lower.includes(name));
    const siblings = options.channels.filter((other) => other !== channel && modelOfChannel(other) === model);
    let agreement: number | undefined;
    if (siblings.length > 0) {
      let same = 0;
      fingerprint.forEach((answer, index) => {
        const others = siblings.map((other) => answers.get(other)!.fingerprint[index]!);
        if (others.includes(answer)) same += 1;
      });
      agreement = same / prompts.length;
    }
    const reasons: string[] = [];
    if (!claimsModel) reasons.push(`says it is "${self.trim().slice(0, 80)}", not ${names.join('/')}`);
    if (agreement !== undefined && agreement < 0.5)
      reasons.push(`answers like the other channels of ${model} on ${Math.round(agreement * 100)} % of the prompts`);
    return { channel, model, selfReport: self, claimsModel, agreement, flagged: reasons.length > 0, reasons };
  });
}

function expectedNames(model: string): string[] {
  const [vendor, name = model] = model.includes('/') ? (model.split('/', 2) as [string, string]) : [undefined, model];
  const family = name.split(/[-_.:\s]/)[0]!.toLowerCase();
  return [...new Set([...(vendor ? (FAMILY_NAMES[vendor] ?? [vendor]) : []), family])];
}
