import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { redactSecrets } from '../core/errors.js';
import { redactKnownSecrets } from '../core/secrets.js';
import { nodeBuiltin } from '../core/node-builtin.js';
import type { CaptureContent } from './options.js';
import { redactValue } from './redact.js';
import type { ContentCapture } from './types.js';
import { messageChars, type ChatMessage } from './chat-format.js';

type HashText = (text: string) => string;

/** SHA-256 of a text's UTF-8 bytes, in hex, with @noble/hashes: synchronous in any runtime. */
export const nobleSha256: HashText = (text) => bytesToHex(sha256(utf8ToBytes(text)));

/**
 * Node's one-shot native `crypto.hash` when the runtime offers it (Node 20.16+, reached through
 * nodeBuiltin, so that nothing imports `node:crypto` for edge bundles): about ten times faster
 * than hashing in JavaScript, and every call hashes its prompt and answer.
 */
export const nativeSha256: HashText | undefined = (() => {
  const hash = (nodeBuiltin('node:crypto') as { hash?: unknown } | undefined)?.hash;
  if (typeof hash !== 'function') return undefined;
  return (text: string) => (hash as (algorithm: string, data: string, encoding: string) => string)('sha256', text, 'hex');
})();

const sha256Text: HashText = nativeSha256 ?? nobleSha256;

/**
 * SHA-256 of a value's JSON text, in hex. Synchronous underneath: Web Crypto's `subtle.digest`
 * costs more in call overhead than hashing a prompt does.
 */
export async function sha256Hex(value: unknown): Promise<string> {
  return `sha256:${sha256Text(typeof value === 'string' ? value : JSON.stringify(value))}`;
}

/** Every string inside a value with credentials replaced: what `full` capture keeps. */
export function stripSecrets<T>(value: T): T {
  return mapStrings(value, redactSecrets);
}

function mapStrings<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => mapStrings(item, redact)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, redact)])) as T;
  }
  return value;
}

/**
 * PII and credentials replaced by `[EMAIL]`-style placeholders: what cases and `redacted` capture
 * keep. The keys this process holds go first: no pattern knows a key shaped like a UUID.
 */
export function redactContent<T>(value: T): T {
  return redactValue(mapStrings(value, redactKnownSecrets)) as T;
}

/**
 * What the ledger keeps of a call's prompt and answer. Hashes let a host match repeated prompts
 * (and find a known prompt in the ledger) without the ledger holding any text.
 */
export async function captureContent(mode: CaptureContent, messages: ChatMessage[], answer: ChatMessage | undefined): Promise<ContentCapture> {
  const capture: ContentCapture = {
    mode,
    promptHash: await sha256Hex(messages),
    promptChars: messageChars(messages),
    ...(answer ? { responseHash: await sha256Hex(answer), responseChars: messageChars([answer]) } : {}),
  };
  if (mode === 'redacted') {
    capture.messages = redactContent(messages);
    if (answer) capture.response = redactContent(answer);
  } else if (mode === 'full') {
    // Full means the text as sent, except credentials: a key pasted into a prompt is never worth keeping.
    capture.messages = stripSecrets(messages);
    if (answer) capture.response = stripSecrets(answer);
  }
  return capture;
}
