import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/**
 * A real redis-server for a test file, on a free loopback port, with persistence off.
 *
 * `.ci/run` installs Redis and sets ZEN_REQUIRE_REDIS=1, so CI fails when it is missing. Elsewhere
 * (`npm test` on a machine without Redis) the Redis tests are skipped with a note saying why.
 */
export const redisAvailable = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

if (!redisAvailable) {
  if (process.env.ZEN_REQUIRE_REDIS)
    throw new Error('ZEN_REQUIRE_REDIS is set but redis-server is not installed (apt-get install redis-server).');
  console.warn('redis-server is not installed: the Redis StateStore tests are skipped (apt-get install redis-server to run them).');
}

export interface RedisServer {
  url: string;
  port: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts redis-server before the file's tests and stops it after; `url` is set once it is ready. */
export function useRedisServer(): RedisServer {
  const server: RedisServer = { url: '', port: 0 };
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    if (!redisAvailable) return;
    server.port = await freePort();
    server.url = `redis://127.0.0.1:${server.port}`;
    const started = spawn('redis-server', ['--port', String(server.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
      started.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${output}`));
      });
    });
  }, 15_000);
  afterAll(async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });
  return server;
}
