import { redactSecrets } from '../core/errors.js';
import { nextTurn } from '../core/slices.js';
import { redactKnownSecrets } from '../core/secrets.js';
import { nodeBuiltin } from '../core/node-builtin.js';
import type { CaptureContent } from './options.js';
import { loadRedaction, redactValue, redactValueIfReady } from './redact.js';
import type { ContentCapture } from './types.js';
import { messageChars, type ChatMessage } from './chat-format.js';

type HashText = (text: string) => string;

let noble: Promise<HashText> | undefined;

/**
 * SHA-256 of a text's UTF-8 bytes, in hex, with @noble/hashes: synchronous in any runtime once
 * loaded. Loaded only where Node's native hash is missing (edge runtimes, browsers).
 */
export function loadNobleSha256(): Promise<HashText> {
  noble ??= Promise.all([import('@noble/hashes/sha2.js'), import('@noble/hashes/utils.js')]).then(
    ([{ sha256 }, { bytesToHex, utf8ToBytes }]) =>
      (text: string) =>
        bytesToHex(sha256(utf8ToBytes(text))),
  );
  return noble;
}

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

/** Texts longer than this are hashed in slices, a turn of the event loop between them. */
const HASH_SLICE_CHARS = 262_144;

/**
 * SHA-256 of a value's JSON text, in hex. Synchronous underneath for ordinary prompts: Web
 * Crypto's `subtle.digest` costs more in call overhead than hashing a prompt does. A text of
 * megabytes is hashed in slices, so that the hash never holds the event loop long.
 */
export async function sha256Hex(value: unknown): Promise<string> {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text.length > HASH_SLICE_CHARS) return `sha256:${await hashInSlices(text)}`;
  const hash = nativeSha256 ?? (await loadNobleSha256());
  return `sha256:${hash(text)}`;
}

interface IncrementalHash {
  update(text: string): void;
  digest(): string;
}

/** An incremental SHA-256 of UTF-8 text: Node's native one where the runtime has it, noble's elsewhere. */
async function incrementalSha256(): Promise<IncrementalHash> {
  const getBuiltinModule = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  const crypto = getBuiltinModule?.('node:crypto') as
    | { createHash?: (algorithm: string) => { update(data: string, encoding: string): unknown; digest(encoding: string): string } }
    | undefined;
  if (typeof crypto?.createHash === 'function') {
    const hash = crypto.createHash('sha256');
    return { update: (text) => void hash.update(text, 'utf8'), digest: () => hash.digest('hex') };
  }
  const [{ sha256 }, { bytesToHex, utf8ToBytes }] = await Promise.all([import('@noble/hashes/sha2.js'), import('@noble/hashes/utils.js')]);
  const hash = sha256.create();
  return { update: (text) => void hash.update(utf8ToBytes(text)), digest: () => bytesToHex(hash.digest()) };
}

async function hashInSlices(text: string): Promise<string> {
  const hash = await incrementalSha256();
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + HASH_SLICE_CHARS);
    // Never between the halves of a surrogate pair: each half alone would be encoded as U+FFFD.
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    hash.update(text.slice(start, end));
    start = end;
    if (start < text.length) await nextTurn();
  }
  return hash.digest();
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
 * keep. The keys this process holds go first: no pattern knows a key shaped like a UUID. Asynchronous: the redaction libraries load on first use and long texts are redacted in
 * slices, without holding the event loop.
 */
export async function redactContent<T>(value: T): Promise<T> {
  return (await redactValue(mapStrings(value, redactKnownSecrets))) as T;
}

/** With `redacted` capture every call redacts: its libraries are loaded as the insurance is built. */
export function prepareRedaction(mode: CaptureContent): void {
  if (mode === 'redacted') void loadRedaction().catch(() => undefined);
}

/**
 * `redactContent` at once, for evidence filed as its event is emitted: `undefined` (keep nothing)
 * until the redaction libraries are loaded. Evidence is short (detectors quote at most 500
 * characters), so doing it at once does not hold the loop long.
 */
export function redactContentIfReady<T>(value: T): T | undefined {
  return redactValueIfReady(mapStrings(value, redactKnownSecrets)) as T | undefined;
}

/**
 * What the ledger keeps of a call's prompt and answer. Hashes let a host match repeated prompts
 * (and find a known prompt in the ledger) without the ledger holding any text.
 *
 * Synchronous (no promise) for the usual call: no redaction (`none` or `full`), a runtime with a
 * native SHA-256, and texts short enough to hash at once.
 */
export function captureContent(
  mode: CaptureContent,
  messages: ChatMessage[],
  answer: ChatMessage | undefined,
): ContentCapture | Promise<ContentCapture> {
  if (mode !== 'redacted' && nativeSha256) {
    const prompt = JSON.stringify(messages);
    const response = answer ? JSON.stringify(answer) : undefined;
    if (prompt.length <= HASH_SLICE_CHARS && (response === undefined || response.length <= HASH_SLICE_CHARS)) {
      return captured(
        mode,
        messages,
        answer,
        `sha256:${nativeSha256(prompt)}`,
        response === undefined ? undefined : `sha256:${nativeSha256(response)}`,
      );
    }
  }
  return captureContentAsync(mode, messages, answer);
}

async function captureContentAsync(
  mode: CaptureContent,
  messages: ChatMessage[],
  answer: ChatMessage | undefined,
): Promise<ContentCapture> {
  const promptHash = await sha256Hex(messages);
  const responseHash = answer ? await sha256Hex(answer) : undefined;
  const capture = captured(mode, messages, answer, promptHash, responseHash);
  if (mode === 'redacted') {
    capture.messages = await redactContent(messages);
    if (answer) capture.response = await redactContent(answer);
  }
  return capture;
}

/** The capture with its fields in their order; `full` keeps the text as sent, less credentials. */
function captured(
  mode: CaptureContent,
  messages: ChatMessage[],
  answer: ChatMessage | undefined,
  promptHash: string,
  responseHash: string | undefined,
): ContentCapture {
  const capture: ContentCapture = { mode, promptHash, promptChars: messageChars(messages) };
  if (answer) {
    capture.responseHash = responseHash!;
    capture.responseChars = messageChars([answer]);
  }
  if (mode === 'full') {
    // Full means the text as sent, except credentials: a key pasted into a prompt is never worth keeping.
    capture.messages = stripSecrets(messages);
    if (answer) capture.response = stripSecrets(answer);
  }
  return capture;
}
