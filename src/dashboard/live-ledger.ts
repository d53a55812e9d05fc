import { randomUUID } from 'node:crypto';
import type { RecordLine } from '../report/ledger-tally.js';
import type { DashboardData } from './dashboard-data.js';
import type { DashboardTally } from './dashboard-tally.js';
import type { LedgerTail } from './tail/ledger-tail.js';

export interface LiveLedgerInfo {
  title: string;
  source: string;
  refreshSeconds: number;
}

/**
 * A ledger followed as it grows: reads run one at a time (a refresh asked for while one runs
 * shares it), feed the tally, and bump the version when anything changed. The snapshot is
 * serialised once per version, however many pages ask for it.
 */
export class LiveLedger {
  /** Tells this process's versions from another's, so an ETag never matches across restarts. */
  private readonly instance = randomUUID().slice(0, 8);
  private version = 0;
  private updatedAt = new Date().toISOString();
  private loadingFirst = true;
  private error: string | undefined;
  private reading: Promise<void> | undefined;
  private stopped = false;
  private cached: { version: number; json: string } | undefined;

  constructor(
    private readonly tail: LedgerTail,
    private readonly tally: DashboardTally,
    private readonly info: LiveLedgerInfo,
  ) {}

  /** True until the first read of the whole ledger is done. */
  get loading(): boolean {
    return this.loadingFirst;
  }

  get etag(): string {
    return `"${this.instance}-${this.version}"`;
  }

  /** Reads what was appended since the last read; resolves when that read (or the one running) is done. */
  refresh(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  /** Stops reading (between two batches) and closes the tail. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.reading?.catch(() => undefined);
    await this.tail.close();
  }

  private async read(): Promise<void> {
    try {
      for await (const batch of this.tail.read()) {
        if (batch.reset) this.tally.reset();
        for (const record of batch.records) this.tally.add(record as RecordLine);
        if (batch.skipped) this.tally.skip(batch.skipped);
        if (batch.reset || batch.records.length > 0 || batch.skipped) this.changed();
        if (this.stopped) return;
      }
      if (this.error !== undefined) {
        this.error = undefined;
        this.changed();
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.error) {
        this.error = message;
        this.changed();
      }
    } finally {
      if (this.loadingFirst) {
        this.loadingFirst = false;
        this.changed();
      }
    }
  }

  private changed(): void {
    this.version += 1;
    this.updatedAt = new Date().toISOString();
  }

  /** The figures as JSON, computed once per version. */
  snapshotJson(): string {
    if (this.cached?.version !== this.version) this.cached = { version: this.version, json: JSON.stringify(this.snapshot()) };
    return this.cached.json;
  }

  snapshot(): DashboardData {
    return {
      title: this.info.title,
      source: this.info.source,
      version: this.version,
      loading: this.loadingFirst,
      updatedAt: this.updatedAt,
      refreshSeconds: this.info.refreshSeconds,
      ...(this.error !== undefined ? { error: this.error } : {}),
      ...this.tally.figures(),
    };
  }
}
