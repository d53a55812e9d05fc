import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlLedgerStore, type JsonlRepair } from '../../src/insurance/stores/jsonl.js';
import { SqliteLedgerStore } from '../../src/insurance/stores/sqlite.js';
import type { LedgerStore } from '../../src/insurance/types.js';
import { collect } from './fixtures/records.js';

/**
 * A process killed mid-write: a child appends in a loop with `durability: 'sync'` and prints each
 * acknowledged request id; it is killed with SIGKILL; the ledger is reopened. Every acknowledged
 * record must be there, whole, and the ledger must read without error.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WRITER = fileURLToPath(new URL('./fixtures/ledger-writer.ts', import.meta.url));
const ROUNDS = 3;
// Records of 200 kB, so that a write takes long enough to be caught in the middle.
const PADDING = 200_000;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zen-crash-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Waits, blocking, until the file ends in the middle of a line (a write is under way), for at
 * most `ms`; if it never does, the kill simply lands elsewhere. The kernel grows a file page by
 * page during a write, so a reader sees the partial line.
 */
function waitForPartialLine(path: string, ms: number): boolean {
  const fd = openSync(path, 'r');
  const last = Buffer.alloc(1);
  try {
    const deadline = performance.now() + ms;
    while (performance.now() < deadline) {
      const { size } = fstatSync(fd);
      if (size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Waits, blocking, until the SQLite WAL file changes (a transaction is being written), for at most `ms`. */
function waitForWalWrite(path: string, ms: number): boolean {
  const wal = `${path}-wal`;
  const stamp = () => {
    try {
      const { size, mtimeNs } = statSync(wal, { bigint: true });
      return `${size}:${mtimeNs}`;
    } catch {
      return 'none';
    }
  };
  const before = stamp();
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) if (stamp() !== before) return true;
  return false;
}

/**
 * Runs the writer until it has acknowledged `acks` batches, then kills it while its next write
 * is under way, and returns every id it acknowledged before it died.
 */
async function writeThenKill(kind: 'jsonl' | 'sqlite', path: string, acks: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, kind, path, '4', String(PADDING)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acknowledged: string[] = [];
  let stdout = '';
  let stderr = '';
  let killing = false;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const lines = stdout.split('\n');
    stdout = lines.pop()!; // a partial line is not an acknowledgement
    for (const line of lines) if (line !== 'ready') acknowledged.push(line);
    if (!killing && acknowledged.length >= acks) {
      killing = true;
      if (kind === 'jsonl') waitForPartialLine(path, 5000);
      else waitForWalWrite(path, 5000);
      child.kill('SIGKILL');
    }
  });
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
  });
  expect({ code, signal, stderr }).toEqual({ code: null, signal: 'SIGKILL', stderr: '' });
  expect(acknowledged.length).toBeGreaterThanOrEqual(acks);
  return acknowledged;
}

async function expectAllAcknowledged(store: LedgerStore, acknowledged: string[]): Promise<void> {
  const records = await collect(store.query());
  const present = new Map<string, string[]>();
  for (const record of records) present.set(record.requestId, [...(present.get(record.requestId) ?? []), record.type]);
  const missing = acknowledged.filter((id) => present.get(id)?.join() !== 'request,event');
  expect(missing).toEqual([]);
  // Batches that were never acknowledged may be there, but only as whole records.
  for (const record of records) {
    if (record.type === 'request') expect(record.tags?.padding).toHaveLength(PADDING);
  }
}

describe('a writer killed mid-write', () => {
  it('JSONL: every acknowledged record survives, the torn tail is cut, every line is whole', { timeout: 120_000 }, async () => {
    const path = join(dir, 'ledger.jsonl');
    const acknowledged: string[] = [];
    const repairs: JsonlRepair[] = [];
    // At least ROUNDS rounds, and more (up to 10) until a kill has torn a line at least once.
    for (let round = 0; round < ROUNDS || (repairs.length === 0 && round < 10); round++) {
      acknowledged.push(...(await writeThenKill('jsonl', path, 8 + round * 4)));
      const sizeBefore = (await stat(path)).size;

      const store = await JsonlLedgerStore.open({ path, onRepair: (repair) => repairs.push(repair) });
      await expectAllAcknowledged(store, acknowledged);
      await store.close();

      const text = await readFile(path, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      for (const line of text.slice(0, -1).split('\n')) expect(() => JSON.parse(line)).not.toThrow();
      // Whatever was cut was only the partial line after the last newline.
      expect(Buffer.byteLength(text)).toBe(sizeBefore - (store.repair?.droppedBytes ?? 0));
    }
    // The kills did land mid-write, so the repair was exercised, not just the happy path.
    expect(repairs.length).toBeGreaterThan(0);
    for (const repair of repairs) expect(repair.droppedBytes).toBeGreaterThan(0);
  });

  it('SQLite: every acknowledged record survives and the database is intact', { timeout: 120_000 }, async () => {
    const path = join(dir, 'ledger.db');
    const acknowledged: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      acknowledged.push(...(await writeThenKill('sqlite', path, 8 + round * 4)));
      const store = await SqliteLedgerStore.open({ path });
      expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
      await expectAllAcknowledged(store, acknowledged);
      await store.close();
    }
  });
});
