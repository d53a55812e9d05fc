// Starts the simulator and `next start` for a built examples/nextjs app, then checks each route
// with real HTTP requests: the page, the server action (a form post, as a browser without
// JavaScript sends it), the streaming route handler, the JSONL ledger route, the edge route.
//   node .ci/nextjs-check.mjs <app dir>
// The simulator comes from the app's own zenrouter (the packed tarball), through its CJS build.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';

const app = process.argv[2];
if (!app) throw new Error('usage: node .ci/nextjs-check.mjs <app dir>');
const { startSimulator } = createRequire(join(app, 'package.json'))('zenrouter/testing');

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

const sim = await startSimulator();
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const ledgerPath = join(app, '.data', 'check-ledger.jsonl');
const log = [];
const next = spawn(process.execPath, [join(app, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
  cwd: app,
  env: {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    OPENAI_API_KEY: 'sk-simulator-0000000000000000',
    OPENAI_BASE_URL: sim.openaiBaseURL,
    ZEN_LEDGER_PATH: ledgerPath,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
next.stdout.on('data', (chunk) => log.push(String(chunk)));
next.stderr.on('data', (chunk) => log.push(String(chunk)));

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const checks = [];
async function step(name, run) {
  const started = performance.now();
  await run();
  checks.push(`  ✓ ${name} (${Math.round(performance.now() - started)} ms)`);
  console.log(checks.at(-1));
}

let failed = false;
try {
  await step('next start answers', async () => {
    for (let tries = 0; ; tries++) {
      check(next.exitCode === null, `next start exited with ${next.exitCode}`);
      const ok = await fetch(`${base}/`).then((response) => response.ok, () => false);
      if (ok) return;
      check(tries < 240, 'next start did not answer within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  await step('server action: the form posts, the page comes back with the summary', async () => {
    const page = await (await fetch(`${base}/`)).text();
    const decode = (text) => text.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const form = new FormData();
    for (const [, name, value] of page.matchAll(/<input type="hidden" name="([^"]*)"(?: value="([^"]*)")?\/>/g)) form.set(decode(name), decode(value ?? ''));
    check([...form.keys()].some((key) => key.startsWith('$ACTION')), 'the page has no server action form');
    form.set('text', 'zenrouter routes each LLM call inside the app process.');
    sim.enqueue('gpt-5-mini', { text: 'Zenrouter routes calls in-process.' });
    const response = await fetch(`${base}/`, { method: 'POST', body: form, headers: { origin: base } });
    const html = await response.text();
    check(response.status === 200, `POST / answered ${response.status}`);
    check(html.includes('<output id="summary">Zenrouter routes calls in-process.</output>'), `no summary in the page: ${html.slice(0, 400)}`);
    check(/\(<!-- -->openai\/gpt-5-mini<!-- -->\)/.test(html), 'the page does not name the model that answered');
    const call = sim.callsFor('gpt-5-mini').at(-1);
    check(call?.body?.messages?.[0]?.content === 'Summarise the text in one sentence.', 'the action did not send its system prompt');
  });

  await step('route handler: streams the answer as it is generated', async () => {
    const words = 'one two three four five six seven eight nine ten';
    sim.setDefault('*', { text: words, tokensPerSecond: 40 });
    const response = await fetch(`${base}/api/chat`, { method: 'POST', body: JSON.stringify({ prompt: 'Count to ten.' }) });
    check(response.status === 200, `POST /api/chat answered ${response.status}`);
    let chunks = 0;
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of response.body) {
      chunks++;
      text += decoder.decode(chunk, { stream: true });
    }
    check(text === words, `streamed text was ${JSON.stringify(text)}`);
    check(chunks > 1, `the answer came in ${chunks} chunk: not streamed`);
    check(sim.calls.at(-1)?.stream === true, 'the upstream call was not a stream');
    const bad = await fetch(`${base}/api/chat`, { method: 'POST', body: JSON.stringify({}) });
    check(bad.status === 400, `a request without a prompt answered ${bad.status}`);
  });

  await step('route handler with zenrouter/node JsonlLedgerStore (no better-sqlite3 installed)', async () => {
    sim.setDefault('*', { text: 'Written to the ledger.' });
    for (const expected of [1, 2]) {
      const response = await fetch(`${base}/api/ledger`, { method: 'POST', body: JSON.stringify({ prompt: 'Hello' }) });
      const body = await response.json();
      check(response.status === 200, `POST /api/ledger answered ${response.status}: ${JSON.stringify(body)}`);
      check(body.content === 'Written to the ledger.' && body.totals?.requests === expected, `unexpected ledger answer: ${JSON.stringify(body)}`);
    }
    const records = readFileSync(ledgerPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    check(records.filter((record) => record.type === 'request').length === 2, `the ledger file holds ${records.length} records, not two requests`);
  });

  await step('edge route: a call through the openai SDK the route built', async () => {
    sim.setDefault('*', { text: 'Hello from the edge.' });
    const response = await fetch(`${base}/api/edge?prompt=${encodeURIComponent('Say hello.')}`);
    const body = await response.json();
    check(response.status === 200 && body.content === 'Hello from the edge.', `GET /api/edge: ${response.status} ${JSON.stringify(body)}`);
  });

  await step('edge route: providers from the environment fail with a configuration error naming what is missing', async () => {
    const response = await fetch(`${base}/api/edge?from=env`);
    const body = await response.json();
    check(response.status === 500 && body.error?.kind === 'configuration', `GET /api/edge?from=env: ${response.status} ${JSON.stringify(body)}`);
    check(/could not load 'openai' in this runtime/.test(body.error.message) && /providers/.test(body.error.message), `unclear message: ${body.error.message}`);
  });
} catch (error) {
  failed = true;
  console.error(`✗ ${error.message}\n--- next start output ---\n${log.join('').slice(-4000)}`);
} finally {
  next.kill('SIGTERM');
  await sim.close();
}
process.exit(failed ? 1 : 0);
