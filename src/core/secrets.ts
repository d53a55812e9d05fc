/**
 * The exact credentials this process holds, so that they are redacted wherever text leaves
 * zenrouter (error messages and causes, events, ledger records, exports) even when no pattern
 * knows their format: a Volcengine Ark key is a bare UUID, a self-hosted gateway's key anything.
 *
 * Global with registration, not per client: errors are built deep in provider adapters, stores
 * and SDK callbacks that do not know which ZenClient they serve, and the text they make is copied
 * on (attempts, events, records) before any client could see it. One process-wide set, filled by
 * every ZenClient from the SDK clients it was given or built, covers all those paths; redacting
 * one client's key in another client's output can only hide more. Values are held in memory only
 * and never unregistered (a few strings per configured provider).
 *
 * Cheap by construction: an exact-match scan (`includes` per registered value, a handful of
 * values), run only where text leaves: ZenError construction, quality events, captured content
 * and exports. Nothing runs per streamed token.
 */

const known = new Set<string>();
/** Longest first, so that a key that contains another registered value is replaced whole. */
let ordered: string[] = [];

/**
 * Shorter values are not treated as secrets: `ollama`, `EMPTY` and other placeholder keys of local
 * servers would otherwise redact ordinary words.
 */
const MIN_SECRET_LENGTH = 12;

/** Remembers a credential value; anything that is not a plausible secret string is ignored. */
export function registerSecret(value: unknown): void {
  if (typeof value !== 'string') return;
  const secret = value.trim();
  if (secret.length < MIN_SECRET_LENGTH || /\s/.test(secret) || known.has(secret)) return;
  known.add(secret);
  ordered = [...known].sort((a, b) => b.length - a.length);
}

/** Every registered value replaced by `[redacted]`. */
export function redactKnownSecrets(text: string): string {
  let out = text;
  for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  return out;
}

/** Property names under which SDK clients and their auth helpers keep credentials. */
const CREDENTIAL_KEY =
  /api_?key|auth_?token|access_?token|refresh_?token|session_?token|secret|password|private_?key|credential|^key$|^token$/i;
/** Objects that may hold credentials further down (`_options`, `apiClient.clientOptions.auth.googleAuth.jsonContent`). */
const CONTAINER_KEY = /options|auth|credential|client|config|json_?content/i;
const MAX_DEPTH = 5;
const MAX_NODES = 400;

/**
 * Registers every credential an SDK client holds: `apiKey`, `authToken`, `adminAPIKey`,
 * `webhookSecret`, AWS keys of a Bedrock client, the OAuth client secret, refresh token and
 * private key of Google credentials given as `googleAuthOptions`. Read by property names, so it
 * holds across SDK versions; bounded, and cycle-safe (SDK resources point back at their client).
 */
export function registerClientSecrets(client: unknown): void {
  const seen = new WeakSet<object>();
  let nodes = 0;
  const visit = (value: unknown, depth: number): void => {
    if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || seen.has(value) || (nodes += 1) > MAX_NODES) return;
    seen.add(value);
    for (const key of Object.keys(value)) {
      let item: unknown;
      try {
        item = (value as Record<string, unknown>)[key];
      } catch {
        continue;
      }
      if (typeof item === 'string') {
        if (CREDENTIAL_KEY.test(key)) registerSecret(item);
      } else if (item !== null && typeof item === 'object' && (CREDENTIAL_KEY.test(key) || CONTAINER_KEY.test(key))) {
        visit(item, depth + 1);
      }
    }
  };
  visit(client, 0);
}
