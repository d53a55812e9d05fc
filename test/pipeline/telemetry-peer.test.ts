import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';

/**
 * `@opentelemetry/api` is an optional peer, checked in fresh processes: it is not loaded unless
 * `telemetry` is set, and when it is set but the package is missing, calls go on and the host hears
 * one typed configuration error that says what to install.
 */
const sim = useSimulator();
const child = fileURLToPath(new URL('processes/telemetry-peer-child.ts', import.meta.url));
const recorder = fileURLToPath(new URL('../helpers/record-imports.mjs', import.meta.url));
const hider = fileURLToPath(new URL('../helpers/hide-package.mjs', import.meta.url));

interface ChildResult {
  answers: string[];
  otelLoaded: boolean;
  errors: Array<{ source: string; kind: string; message: string }>;
}

function runChild(mode: 'off' | 'on', hide: boolean): Promise<ChildResult> {
  const args = ['--import', recorder, ...(hide ? ['--import', hider] : []), '--import', 'tsx', child, sim.openaiBaseURL, mode];
  const env = { ...process.env, ...(hide ? { ZEN_HIDE_PACKAGE: '@opentelemetry/api' } : {}) };
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { env, maxBuffer: 16 * 1024 * 1024 }, (error, out, err) =>
      error ? reject(new Error(`${error.message}\n${err}`)) : resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult),
    ),
  );
}

describe('telemetry: @opentelemetry/api as an optional peer', () => {
  it('without `telemetry`, the package is never loaded', async () => {
    sim.setDefault('gpt-5-mini', { text: 'hi' });
    const result = await runChild('off', false);
    expect(result).toEqual({ answers: ['hi', 'hi'], otelLoaded: false, errors: [] });
  }, 60_000);

  it('with `telemetry: true`, it is loaded on the first call', async () => {
    sim.setDefault('gpt-5-mini', { text: 'hi' });
    const result = await runChild('on', false);
    expect(result).toEqual({ answers: ['hi', 'hi'], otelLoaded: true, errors: [] });
  }, 60_000);

  it('with `telemetry: true` and the package missing, calls answer and one configuration error names the package', async () => {
    sim.setDefault('gpt-5-mini', { text: 'hi' });
    const result = await runChild('on', true);
    expect(result.answers).toEqual(['hi', 'hi']);
    expect(result.otelLoaded).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ source: 'telemetry', kind: 'configuration' });
    expect(result.errors[0]!.message).toContain('npm install @opentelemetry/api');
  }, 60_000);
});
