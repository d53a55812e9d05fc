// Loaded with `node --import` in a child process: records every module URL the process resolves,
// so that a test can see what importing zenrouter, and then its first call, load.
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
const resolved = [];
port1.on('message', (url) => resolved.push(url));
port1.unref();
globalThis.__resolvedModules = resolved;
register(
  'data:text/javascript,' +
    encodeURIComponent(`
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port.postMessage(result.url);
  return result;
}`),
  import.meta.url,
  { data: { port: port2 }, transferList: [port2] },
);
