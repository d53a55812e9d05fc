import { fromNanos } from '../../core/money.js';
import type { ChannelLatency, Claim, ClaimsSummary, CostByModelByDayRow, LedgerRange, LedgerTotals, QualityEventKind } from '../types.js';
import { compileQuery } from './match-query.js';
import type { PostgresConnection } from './postgres-connection.js';

/**
 * The ledger's summaries as SQL over the store's columns, each returning exactly what `Ledger`
 * computes from the records: money summed in integer nanodollars, nearest-rank percentiles
 * (rank ceil(p × n / 100) computed in exact numeric), groups sorted by JavaScript string order.
 * Counts and sums come back as float8, exact below 2^53.
 */
export class PostgresSummaries {
  constructor(
    private readonly connection: PostgresConnection,
    private readonly table: string,
  ) {}

  async costByModelByDay(range: LedgerRange): Promise<CostByModelByDayRow[]> {
    const { where, values } = rangeSql(range);
    const rows = await this.connection.query<{ day: string; model: string; requests: number; nanos: number }>(
      // Grouped by date, formatted per group: to_char on every row costs about twice as much.
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, model, requests, nanos
       FROM (SELECT (at AT TIME ZONE 'UTC')::date AS day, coalesce(model, 'unknown') AS model,
                    count(*)::float8 AS requests, coalesce(sum(amount_nanos), 0)::float8 AS nanos
             FROM ${this.table} WHERE type = 'request'${where} GROUP BY 1, 2) AS per_day`,
      values,
    );
    return rows
      .sort((a, b) => (a.day === b.day ? compareText(a.model, b.model) : compareText(a.day, b.day)))
      .map(({ day, model, requests, nanos }) => ({ day, model, requests, costUsd: fromNanos(nanos) }));
  }

  async claimsSummary(range: LedgerRange): Promise<ClaimsSummary> {
    const { where, values } = rangeSql(range);
    const rows = await this.connection.query<{ kind: QualityEventKind; status: Claim['status']; claims: number; nanos: number }>(
      `SELECT event_kinds[1] AS kind, claim_status AS status, count(*)::float8 AS claims,
              coalesce(sum(CASE WHEN claim_status = 'excluded' THEN 0 ELSE amount_nanos END), 0)::float8 AS nanos
       FROM ${this.table} WHERE type = 'claim'${where} GROUP BY 1, 2`,
      values,
    );
    const byStatus: Record<Claim['status'], number> = { credited: 0, capped: 0, excluded: 0 };
    const kinds = new Map<QualityEventKind, { claims: number; nanos: number }>();
    let claims = 0;
    let nanos = 0;
    for (const row of rows) {
      claims += row.claims;
      nanos += row.nanos;
      byStatus[row.status] = (byStatus[row.status] ?? 0) + row.claims;
      const kind = kinds.get(row.kind) ?? { claims: 0, nanos: 0 };
      kinds.set(row.kind, { claims: kind.claims + row.claims, nanos: kind.nanos + row.nanos });
    }
    const byKind: ClaimsSummary['byKind'] = {};
    for (const [kind, totals] of [...kinds].sort(([a], [b]) => compareText(a, b))) {
      byKind[kind] = { claims: totals.claims, creditedUsd: fromNanos(totals.nanos) };
    }
    return { claims, creditedUsd: fromNanos(nanos), byKind, byStatus };
  }

  async creditBalance(range: LedgerRange): Promise<number> {
    const { where, values } = rangeSql(range);
    const [row] = await this.connection.query<{ nanos: number }>(
      `SELECT coalesce(sum(amount_nanos), 0)::float8 AS nanos FROM ${this.table} WHERE type = 'credit'${where}`,
      values,
    );
    return fromNanos(row?.nanos ?? 0);
  }

  async totals(range: LedgerRange): Promise<LedgerTotals> {
    const { where, values } = rangeSql(range);
    const rows = await this.connection.query<{ type: 'request' | 'credit'; count: number; nanos: number }>(
      `SELECT type, count(*)::float8 AS count, coalesce(sum(amount_nanos), 0)::float8 AS nanos
       FROM ${this.table} WHERE type IN ('request', 'credit')${where} GROUP BY type`,
      values,
    );
    const request = rows.find((row) => row.type === 'request');
    const credit = rows.find((row) => row.type === 'credit');
    return { requests: request?.count ?? 0, costUsd: fromNanos(request?.nanos ?? 0), creditsUsd: fromNanos(credit?.nanos ?? 0) };
  }

  /** Over `<table>_latency`: one row per successful attempt, written with its request record. */
  async latencyByChannel(range: LedgerRange): Promise<ChannelLatency[]> {
    const { where, values } = rangeSql(range);
    const rank = (percentile: number, count: string) => `greatest(1, ceil(${percentile} * ${count} / 100.0))::int`;
    const rows = await this.connection.query<{
      channel: string;
      count: number;
      p50: number;
      p95: number;
      p50ttft: number | null;
      p95ttft: number | null;
    }>(
      `SELECT channel, n::float8 AS count,
              durations[${rank(50, 'n')}] AS p50, durations[${rank(95, 'n')}] AS p95,
              ttfts[${rank(50, 'nt')}] AS p50ttft, ttfts[${rank(95, 'nt')}] AS p95ttft
       FROM (SELECT channel, count(*) AS n, count(ttft_ms) AS nt,
                    array_agg(duration_ms ORDER BY duration_ms) AS durations,
                    array_agg(ttft_ms ORDER BY ttft_ms) FILTER (WHERE ttft_ms IS NOT NULL) AS ttfts
             FROM ${this.table}_latency WHERE true${where} GROUP BY channel) AS per_channel`,
      values,
    );
    return rows
      .sort((a, b) => compareText(a.channel, b.channel))
      .map((row) => ({
        channel: row.channel,
        count: row.count,
        p50Ms: row.p50,
        p95Ms: row.p95,
        p50TtftMs: row.p50ttft ?? null,
        p95TtftMs: row.p95ttft ?? null,
      }));
  }
}

/** ` AND at >= $1 AND at < $2` for a range, checked as a query's are (a typed error for a bad date). */
function rangeSql(range: LedgerRange): { where: string; values: unknown[] } {
  const { sinceMs, untilMs } = compileQuery({ since: range.since, until: range.until });
  const values: unknown[] = [];
  let where = '';
  if (sinceMs !== undefined) where += ` AND at >= $${values.push(new Date(sinceMs).toISOString())}::timestamptz`;
  if (untilMs !== undefined) where += ` AND at < $${values.push(new Date(untilMs).toISOString())}::timestamptz`;
  return { where, values };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
