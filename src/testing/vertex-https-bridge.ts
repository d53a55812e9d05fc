import type { Simulator } from './server.js';

/**
 * @google-cloud/vertexai (v1) always calls `fetch(\`https://${apiEndpoint}/...\`)`: it has no option
 * for a scheme, a base URL or a custom fetch, and the simulator speaks plain HTTP. Trusting a
 * self-signed certificate is not possible from inside a running Node 20 process without
 * undici or a startup flag, so the bridge below wraps the global `fetch` the SDK looks up at call
 * time and sends `https://<simulator host>/…` to `http://<simulator host>/…`. Nothing else changes:
 * the SDK's own URL building, headers, auth, body and SSE parsing all run, and other URLs pass
 * through untouched.
 */

/** `apiEndpoint` for `new VertexAI({ apiEndpoint })`: the simulator's host and port. */
export function vertexApiEndpoint(simulator: Simulator): string {
  return new URL(simulator.url).host;
}

/**
 * Routes the SDK's `https://` calls for the simulator's host to the simulator. Returns the function
 * that removes the bridge again (call it in `afterAll`).
 */
export function bridgeVertexHttps(simulator: Simulator): () => void {
  const original = globalThis.fetch;
  const httpsOrigin = `https://${vertexApiEndpoint(simulator)}`;
  const bridged: typeof fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(`${httpsOrigin}/`)) return original(input, init);
    const target = simulator.url + url.slice(httpsOrigin.length);
    return input instanceof Request ? original(new Request(target, input), init) : original(target, init);
  };
  globalThis.fetch = bridged;
  return () => {
    if (globalThis.fetch === bridged) globalThis.fetch = original;
  };
}
