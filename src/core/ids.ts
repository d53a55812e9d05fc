/**
 * Per process: a random part, so that ids from different processes never collide. Drawn on first
 * use, not at import: Cloudflare Workers refuse random values in a module's global scope.
 */
let processPart: string | undefined;
let counter = 0;
let lastMs = -1;
let lastMsText = '';

/** Request ids: sortable by time, unique without coordination, cheap (no UUID per call). Web Crypto only. */
export function newRequestId(): string {
  processPart ??= Array.from(crypto.getRandomValues(new Uint8Array(6)), (byte) => byte.toString(36).padStart(2, '0')).join('');
  counter = (counter + 1) % 1_679_616; // 36^4
  const now = Date.now();
  // A millisecond's calls share its base-36 text: Number#toString(36) of a time is a slow runtime call.
  if (now !== lastMs) {
    lastMs = now;
    lastMsText = now.toString(36);
  }
  return `zen_${lastMsText}${processPart}${counter.toString(36).padStart(4, '0')}`;
}
