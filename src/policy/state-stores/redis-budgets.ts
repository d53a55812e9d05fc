import { ZenError } from '../../core/errors.js';
import type { BudgetCounterState, BudgetReservation, BudgetReserveInput, BudgetSettleInput, BudgetSettlement } from '../budget-store.js';

/**
 * Budget counters in Redis, each operation one Lua script, so that a check and a hold are one
 * atomic step whichever process runs them. A counter is a hash (`spent`, `reserved`, and `h:<id>`
 * per hold) and a sorted set of its holds by the time they lapse; both expire with the window.
 * In Redis Cluster every counter of a call must hash to one slot: give the store a prefix with a
 * hash tag (`{zen}:`).
 */

/**
 * Releases the holds of calls that never settled (a process that died mid-call). Amounts go to
 * Redis as the strings they came in: Lua would print a large number as `1e+14`, which HINCRBY refuses.
 */
const RELEASE = `
local function unhold(h, amount)
  if amount ~= '0' then redis.call('HINCRBY', h, 'reserved', '-' .. amount) end
end
local function release(h, z, now)
  local lapsed = redis.call('ZRANGEBYSCORE', z, '-inf', now)
  for _, rid in ipairs(lapsed) do
    local amount = redis.call('HGET', h, 'h:' .. rid)
    if amount then
      unhold(h, amount)
      redis.call('HDEL', h, 'h:' .. rid)
    end
  end
  if #lapsed > 0 then redis.call('ZREMRANGEBYSCORE', z, '-inf', now) end
end
local function number(value)
  return tonumber(value) or 0
end
`;

/** KEYS: n hashes, n hold sets. ARGV: now, holdUntil, id, then per counter amount, limit ('' for none), expiresAt. */
const RESERVE = `${RELEASE}
local n = #KEYS / 2
local now, hold, id = tonumber(ARGV[1]), ARGV[2], ARGV[3]
for i = 1, n do
  local h, z = KEYS[i], KEYS[n + i]
  release(h, z, now)
  local base = 4 + (i - 1) * 3
  local amount, limit = tonumber(ARGV[base]), ARGV[base + 1]
  if limit ~= '' then
    local spent, reserved = number(redis.call('HGET', h, 'spent')), number(redis.call('HGET', h, 'reserved'))
    local used = spent + reserved
    if used + amount > tonumber(limit) or used >= tonumber(limit) then return {0, i - 1, spent, reserved} end
  end
end
local out = {1}
for i = 1, n do
  local h, z = KEYS[i], KEYS[n + i]
  local base = 4 + (i - 1) * 3
  local amount, expires = ARGV[base], ARGV[base + 2]
  local previous = redis.call('HGET', h, 'h:' .. id)
  if previous then unhold(h, previous) end
  redis.call('HSET', h, 'h:' .. id, amount)
  local reserved = redis.call('HINCRBY', h, 'reserved', amount)
  redis.call('ZADD', z, hold, id)
  redis.call('PEXPIREAT', h, expires)
  redis.call('PEXPIREAT', z, expires)
  out[#out + 1] = number(redis.call('HGET', h, 'spent'))
  out[#out + 1] = reserved
end
return out
`;

/** KEYS: n hashes, n hold sets. ARGV: now, id, then per counter amount, expiresAt. */
const SETTLE = `${RELEASE}
local n = #KEYS / 2
local now, id = tonumber(ARGV[1]), ARGV[2]
local out = {}
for i = 1, n do
  local h, z = KEYS[i], KEYS[n + i]
  release(h, z, now)
  local base = 3 + (i - 1) * 2
  local held = redis.call('HGET', h, 'h:' .. id)
  if held then
    unhold(h, held)
    redis.call('HDEL', h, 'h:' .. id)
    redis.call('ZREM', z, id)
  end
  local before = number(redis.call('HGET', h, 'spent'))
  local after = redis.call('HINCRBY', h, 'spent', ARGV[base])
  redis.call('PEXPIREAT', h, ARGV[base + 1])
  redis.call('PEXPIREAT', z, ARGV[base + 1])
  out[#out + 1] = before
  out[#out + 1] = after
  out[#out + 1] = number(redis.call('HGET', h, 'reserved'))
end
return out
`;

/** KEYS: n hashes, n hold sets. ARGV: now. */
const READ = `${RELEASE}
local n = #KEYS / 2
local out = {}
for i = 1, n do
  release(KEYS[i], KEYS[n + i], tonumber(ARGV[1]))
  out[#out + 1] = number(redis.call('HGET', KEYS[i], 'spent'))
  out[#out + 1] = number(redis.call('HGET', KEYS[i], 'reserved'))
end
return out
`;

type Send = (args: string[]) => Promise<unknown>;

export class RedisBudgets {
  private readonly shas = new Map<string, Promise<string>>();

  constructor(
    private readonly send: Send,
    private readonly prefix: string,
  ) {}

  async reserve(input: BudgetReserveInput): Promise<BudgetReservation> {
    const args = [String(input.now), String(input.holdUntil), input.id];
    for (const change of input.counters)
      args.push(whole(change.amount), change.limit === undefined ? '' : whole(change.limit), String(Math.ceil(change.expiresAt)));
    const reply = numbers(await this.run(RESERVE, this.keys(input.counters.map((change) => change.counter)), args));
    if (reply[0] !== 1) return { granted: false, refused: reply[1]!, state: { spent: reply[2]!, reserved: reply[3]! } };
    const counters: BudgetCounterState[] = [];
    for (let index = 1; index + 1 < reply.length; index += 2) counters.push({ spent: reply[index]!, reserved: reply[index + 1]! });
    return { granted: true, counters };
  }

  async settle(input: BudgetSettleInput): Promise<BudgetSettlement[]> {
    const args = [String(input.now), input.id];
    for (const change of input.counters) args.push(whole(change.amount), String(Math.ceil(change.expiresAt)));
    const reply = numbers(await this.run(SETTLE, this.keys(input.counters.map((change) => change.counter)), args));
    const settled: BudgetSettlement[] = [];
    for (let index = 0; index + 2 < reply.length; index += 3)
      settled.push({ spentBefore: reply[index]!, spent: reply[index + 1]!, reserved: reply[index + 2]! });
    return settled;
  }

  async read(counters: readonly string[], now: number): Promise<BudgetCounterState[]> {
    const reply = numbers(await this.run(READ, this.keys(counters), [String(now)]));
    const states: BudgetCounterState[] = [];
    for (let index = 0; index + 1 < reply.length; index += 2) states.push({ spent: reply[index]!, reserved: reply[index + 1]! });
    return states;
  }

  private keys(counters: readonly string[]): string[] {
    const hashes = counters.map((counter) => `${this.prefix}budget:${counter}`);
    return [...hashes, ...hashes.map((hash) => `${hash}:holds`)];
  }

  /** EVALSHA of the loaded script; loaded again when Redis has forgotten it (a restart, SCRIPT FLUSH). */
  private async run(script: string, keys: string[], args: string[]): Promise<unknown> {
    const command = (sha: string): string[] => ['EVALSHA', sha, String(keys.length), ...keys, ...args];
    try {
      return await this.send(command(await this.sha(script)));
    } catch (error) {
      // NOSCRIPT is the reply's error code (the first word Redis sends), the documented way to know.
      if (!String((error as { message?: unknown } | null)?.message ?? error).startsWith('NOSCRIPT')) throw error;
      this.shas.delete(script);
      return this.send(command(await this.sha(script)));
    }
  }

  private sha(script: string): Promise<string> {
    let sha = this.shas.get(script);
    if (!sha) {
      sha = this.send(['SCRIPT', 'LOAD', script]).then(String);
      this.shas.set(script, sha);
      sha.catch(() => this.shas.delete(script));
    }
    return sha;
  }
}

function whole(value: number): string {
  if (!Number.isSafeInteger(value))
    throw new ZenError({ kind: 'configuration', retryable: false, message: `A budget amount must be a whole number, got ${value}.` });
  return String(value);
}

function numbers(reply: unknown): number[] {
  return Array.isArray(reply) ? reply.map((item) => Number(String(item))) : [];
}
