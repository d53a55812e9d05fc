/**
 * Model addressing: `vendor/model`, `vendor/model:provider`, or a plain SDK id whose vendor is
 * recognised by its name. Model names may hold colons (`llama3.1:8b`).
 */

export interface ModelAddress {
  /** `vendor/name`, e.g. `anthropic/claude-sonnet-4-5`; undefined when the vendor is unknown. */
  vendor: string | undefined;
  name: string;
  /** A pinned provider name (`:vertex`), if any. */
  provider: string | undefined;
}

const VENDOR_PREFIXES: ReadonlyArray<[RegExp, string]> = [
  [/^(gpt-|chatgpt-|o\d|dall-e|gpt-image|text-embedding|davinci|babbage|codex-|computer-use)/i, 'openai'],
  [/^claude/i, 'anthropic'],
  [/^(gemini|imagen|gemma|learnlm)/i, 'google'],
  [/^deepseek/i, 'deepseek'],
  [/^grok/i, 'xai'],
  [/^(moonshot|kimi)/i, 'moonshotai'],
  [/^(qwen|qwq|qvq)/i, 'alibaba'],
  [/^doubao/i, 'bytedance'],
  [/^(minimax|abab)/i, 'minimax'],
  [/^ernie/i, 'baidu'],
  [/^(mistral|mixtral|codestral|magistral|ministral|pixtral)/i, 'mistral'],
  [/^(llama|meta-llama)/i, 'meta'],
  [/^command/i, 'cohere'],
];

/** Guesses the vendor of a plain SDK model id from its name. */
export function vendorOfModelName(name: string): string | undefined {
  for (const [pattern, vendor] of VENDOR_PREFIXES) if (pattern.test(name)) return vendor;
  return undefined;
}

/**
 * Splits a model id into vendor, name and pinned provider. A `:suffix` pins a provider only when
 * `isProvider` says it names a configured one: Ollama and vLLM tags (`llama3.1:8b`,
 * `qwen2.5:14b`) are part of the name, and `vendor/model:tag:provider` pins `provider`. Without
 * `isProvider` the whole id is the model.
 */
export function parseModelId(id: string, isProvider?: (name: string) => boolean): ModelAddress {
  let body = id.trim();
  let provider: string | undefined;
  const colon = body.lastIndexOf(':');
  if (colon > 0 && isProvider?.(body.slice(colon + 1))) {
    provider = body.slice(colon + 1);
    body = body.slice(0, colon);
  }
  const slash = body.indexOf('/');
  if (slash > 0) return { vendor: body.slice(0, slash), name: body.slice(slash + 1), provider };
  return { vendor: vendorOfModelName(body), name: body, provider };
}

/** The model of a channel id: `meta/llama3.1:8b:ollama` → `meta/llama3.1:8b` (provider names hold no ':'). */
export function modelOfChannelId(channel: string): string {
  const colon = channel.lastIndexOf(':');
  return colon > 0 ? channel.slice(0, colon) : channel;
}

export function formatModelId(address: { vendor: string | undefined; name: string }): string {
  return address.vendor ? `${address.vendor}/${address.name}` : address.name;
}

/** `vendor/model:provider` */
export function channelId(model: string, provider: string): string {
  return `${model}:${provider}`;
}
