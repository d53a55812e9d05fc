import type { Ledger } from './ledger.js';
import { redactContent } from './capture.js';
import type { CaseRecord, QualityEventKind } from './types.js';

export interface ExportCasesOptions {
  /** ISO time or Date, inclusive. */
  since?: string | Date;
  /** ISO time or Date, exclusive. */
  until?: string | Date;
  /** Only cases with one of these event kinds. */
  kinds?: QualityEventKind[];
  /**
   * `fine-tune` (default): OpenAI chat fine-tuning lines, `{"messages": [...], "tools"?: [...]}`,
   * the repaired answer as the last assistant turn; cases without a repaired answer are left out,
   * since a model must not be taught the bad one.
   * `evals`: OpenAI Evals JSONL lines, `{"item": {"input", "bad_answer", "ideal", "events",
   * "request_id", "channel", "at"}}`: every case, `ideal` null when nothing repaired it.
   */
  format?: 'fine-tune' | 'evals';
}

/** One line of the `fine-tune` export. */
export interface FineTuneLine {
  messages: unknown[];
  tools?: unknown[];
}

/** One line of the `evals` export: the `item` namespace of an OpenAI eval's JSONL data source. */
export interface EvalsLine {
  item: {
    /** The conversation up to the answer, redacted, in the Chat Completions shape. */
    input: unknown[];
    /** The answer that raised the events (an assistant message). */
    bad_answer: unknown;
    /** The repaired answer (an assistant message), or null. */
    ideal: unknown;
    events: NonNullable<CaseRecord['events']>;
    tools?: unknown[];
    request_id: string;
    channel: string | null;
    at: string;
  };
}

/**
 * Anonymized failing cases from the ledger as JSONL: each yielded string is one JSON line ending
 * in `\n`, so the lines can go straight to a file (`Readable.from(lines).pipe(createWriteStream(path))`
 * in Node) or an upload. Cases were redacted when captured; they are redacted again here, so a
 * case a host store holds in any form leaves anonymized.
 */
export async function* exportCases(ledger: Ledger, options: ExportCasesOptions = {}): AsyncIterable<string> {
  const format = options.format ?? 'fine-tune';
  if (format !== 'fine-tune' && format !== 'evals')
    throw new TypeError(`exportCases format must be 'fine-tune' or 'evals', got ${JSON.stringify(format)}`);
  const query = {
    types: ['case' as const],
    since: options.since,
    until: options.until,
    ...(options.kinds ? { eventKinds: options.kinds } : {}),
  };
  for await (const record of ledger.query(query)) {
    if (record.type !== 'case') continue;
    const line = format === 'fine-tune' ? await fineTuneLine(record) : await evalsLine(record);
    if (line) yield `${JSON.stringify(line)}\n`;
  }
}

async function fineTuneLine(record: CaseRecord): Promise<FineTuneLine | undefined> {
  if (record.repairedAnswer === undefined) return undefined;
  const messages = await redactContent([...record.messages, record.repairedAnswer]);
  return { messages, ...(record.tools && record.tools.length > 0 ? { tools: await redactContent(record.tools) } : {}) };
}

async function evalsLine(record: CaseRecord): Promise<EvalsLine> {
  return {
    item: {
      input: await redactContent(record.messages),
      bad_answer: await redactContent(record.badAnswer),
      ideal: record.repairedAnswer === undefined ? null : await redactContent(record.repairedAnswer),
      events: await redactContent(
        record.events ??
          record.eventKinds.map((kind) => ({
            kind,
            detector: 'unknown',
            channel: record.channel ?? 'unknown',
            severity: 1,
            message: kind,
          })),
      ),
      ...(record.tools && record.tools.length > 0 ? { tools: await redactContent(record.tools) } : {}),
      request_id: record.requestId,
      channel: record.channel ?? null,
      at: record.at,
    },
  };
}
