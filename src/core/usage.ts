/**
 * Token usage in one shape for every vendor (the Vercel AI SDK's split): input split by cache,
 * output split into visible text and reasoning.
 */
export interface Usage {
  input: { total: number; noCache: number; cacheRead: number; cacheWrite: number };
  output: { total: number; text: number; reasoning: number };
}

export function emptyUsage(): Usage {
  return { input: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 }, output: { total: 0, text: 0, reasoning: 0 } };
}

export interface UsageInit {
  /** All input tokens, cached ones included. */
  inputTotal?: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** All output tokens, reasoning included. */
  outputTotal?: number;
  reasoning?: number;
}

export function makeUsage(init: UsageInit): Usage {
  const inputTotal = init.inputTotal ?? 0;
  const cacheRead = init.cacheRead ?? 0;
  const cacheWrite = init.cacheWrite ?? 0;
  const outputTotal = init.outputTotal ?? 0;
  const reasoning = init.reasoning ?? 0;
  return {
    input: { total: inputTotal, noCache: Math.max(0, inputTotal - cacheRead - cacheWrite), cacheRead, cacheWrite },
    output: { total: outputTotal, text: Math.max(0, outputTotal - reasoning), reasoning },
  };
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input: {
      total: a.input.total + b.input.total,
      noCache: a.input.noCache + b.input.noCache,
      cacheRead: a.input.cacheRead + b.input.cacheRead,
      cacheWrite: a.input.cacheWrite + b.input.cacheWrite,
    },
    output: {
      total: a.output.total + b.output.total,
      text: a.output.text + b.output.text,
      reasoning: a.output.reasoning + b.output.reasoning,
    },
  };
}
