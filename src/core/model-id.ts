/**
 * Model addressing: `vendor/model`, `vendor/model:provider`, or a plain SDK id whose vendor is
 * recognised by its name.
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

export function parseModelId(id: string): ModelAddress {
  const trimmed = id.trim();
  let body = trimmed;
  let provider: string | undefined;
  // A pin is the text after the last ':' unless it looks like a version tag inside the name
  // (`llama3:8b` for Ollama has no vendor prefix, so pins are only read after `vendor/name`).
  const slash = trimmed.indexOf('/');
  if (slash > 0) {
    const colon = trimmed.lastIndexOf(':');
    if (colon > slash) {
      provider = trimmed.slice(colon + 1) || undefined;
      body = trimmed.slice(0, colon);
    }
    return { vendor: body.slice(0, slash), name: body.slice(slash + 1), provider };
  }
  return { vendor: vendorOfModelName(body), name: body, provider };
}

export function formatModelId(address: { vendor: string | undefined; name: string }): string {
  return address.vendor ? `${address.vendor}/${address.name}` : address.name;
}

/** `vendor/model:provider` */
export function channelId(model: string, provider: string): string {
  return `${model}:${provider}`;
}
