import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../src/core/request.js';
import { resultText, resultToolCalls, type GenerationResult } from '../../src/core/result.js';
import type { StreamPart } from '../../src/core/stream-part.js';
import { createAnthropicProvider } from '../../src/providers/anthropic/index.js';
import { recordedBody, recordedChunks } from '../helpers/fixtures.js';
import { useSimulator } from '../helpers/simulator.js';

/** Recorded real Anthropic responses, replayed byte for byte through the real SDK. */

const sim = useSimulator();
const MODEL = 'claude-haiku-4-5';
const REQUEST: GenerationRequest = { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }] };

function provider() {
  return createAnthropicProvider(
    'anthropic',
    new Anthropic({ apiKey: 'sk-ant-test-fixtures-0000', baseURL: sim.anthropicBaseURL, maxRetries: 0 }),
  );
}

async function replayBody(file: string): Promise<GenerationResult> {
  sim.enqueue(MODEL, { raw: { body: recordedBody(`anthropic/${file}`) } });
  const result = await provider().generate({ modelId: MODEL, request: REQUEST });
  expect(sim.calls[0]!.outcome).toBe('raw');
  return result;
}

interface Collected {
  start: Extract<StreamPart, { type: 'stream-start' }>;
  text: string;
  toolCalls: Array<{ index: number; id: string; name: string; arguments: string }>;
  finish: Extract<StreamPart, { type: 'finish' }>;
  parts: StreamPart[];
}

async function replayChunks(file: string): Promise<Collected> {
  sim.enqueue(MODEL, { raw: { chunks: recordedChunks(`anthropic/${file}`) } });
  const parts: StreamPart[] = [];
  for await (const part of await provider().stream({ modelId: MODEL, request: REQUEST })) parts.push(part);
  expect(sim.calls[0]!.outcome).toBe('raw');
  const toolCalls: Collected['toolCalls'] = [];
  let text = '';
  for (const part of parts) {
    if (part.type === 'text-delta') text += part.delta;
    if (part.type === 'tool-call-start') toolCalls[part.index] = { index: part.index, id: part.id, name: part.name, arguments: '' };
    if (part.type === 'tool-call-delta') toolCalls[part.index]!.arguments += part.argumentsDelta;
  }
  expect(parts[0]!.type).toBe('stream-start');
  expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
  expect(parts[parts.length - 1]!.type).toBe('finish');
  return {
    start: parts[0] as Collected['start'],
    text,
    toolCalls,
    finish: parts[parts.length - 1] as Collected['finish'],
    parts,
  };
}

function usage(input: number, output: number) {
  return { input: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 }, output: { total: output, text: output, reasoning: 0 } };
}

describe('recorded anthropic responses: JSON', () => {
  it('anthropic-text.json', async () => {
    const result = await replayBody('anthropic-text.json');
    expect(result).toMatchObject({ id: 'msg_01VdEjxAP5ahtHKrrRdNBteQ', modelId: 'claude-sonnet-4-5-20250929' });
    expect(resultText(result)).toBe(
      "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
    );
    expect(resultToolCalls(result)).toEqual([]);
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'end_turn' });
    expect(result.usage).toEqual(usage(12, 29));
    expect(result.providerMetadata).toEqual({ anthropic: { serviceTier: 'standard' } });
  });

  it('anthropic-tool-no-args.json', async () => {
    const result = await replayBody('anthropic-tool-no-args.json');
    expect(result.modelId).toBe('claude-3-opus-20240229');
    expect(resultText(result)).toMatch(/^<thinking>\nThe updateIssueList tool .*\n\nOkay, I will update the current issue list:$/s);
    const calls = resultToolCalls(result);
    expect(calls).toEqual([{ type: 'tool-call', id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1', name: 'updateIssueList', arguments: '{}' }]);
    expect(JSON.parse(calls[0]!.arguments)).toEqual({});
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_use' });
    expect(result.usage).toEqual(usage(602, 93));
  });

  it('anthropic-json-tool.1.json', async () => {
    const result = await replayBody('anthropic-json-tool.1.json');
    expect(resultText(result)).toBe('');
    const calls = resultToolCalls(result);
    expect(calls.map((call) => [call.id, call.name])).toEqual([['toolu_01Q9ExVZnzZj7E2QQYHYtNUa', 'json']]);
    expect(JSON.parse(calls[0]!.arguments)).toEqual({
      elements: [
        { location: 'San Francisco', temperature: -5, condition: 'snowy' },
        { location: 'London', temperature: 0, condition: 'snowy' },
        { location: 'Paris', temperature: 23, condition: 'cloudy' },
        { location: 'Berlin', temperature: -9, condition: 'snowy' },
      ],
    });
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_use' });
    expect(result.usage).toEqual(usage(1151, 87));
  });
});

describe('recorded anthropic responses: streams', () => {
  it('anthropic-text.chunks.txt', async () => {
    const { start, text, toolCalls, finish, parts } = await replayChunks('anthropic-text.chunks.txt');
    expect(start).toEqual({
      type: 'stream-start',
      id: 'msg_01QC4g3HwBThD4BaNtBckFDJ',
      modelId: 'claude-sonnet-4-5-20250929',
      warnings: [],
    });
    expect(text).toBe("Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?");
    expect(parts.filter((part) => part.type === 'text-delta')).toHaveLength(6);
    expect(toolCalls).toEqual([]);
    expect(finish).toEqual({ type: 'finish', finishReason: { unified: 'stop', raw: 'end_turn' }, usage: usage(12, 30) });
  });

  it('anthropic-tool-no-args.chunks.txt', async () => {
    const { text, toolCalls, finish } = await replayChunks('anthropic-tool-no-args.chunks.txt');
    expect(text).toBe("I'll update the issue list for you.");
    // The tool block is block 1 (after the text) but the first tool call: index 0.
    expect(toolCalls).toEqual([{ index: 0, id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList', arguments: '{}' }]);
    expect(JSON.parse(toolCalls[0]!.arguments)).toEqual({});
    expect(finish).toEqual({ type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_use' }, usage: usage(565, 48) });
  });

  it('anthropic-json-tool.1.chunks.txt', async () => {
    const { text, toolCalls, finish, parts } = await replayChunks('anthropic-json-tool.1.chunks.txt');
    expect(text).toBe('');
    expect(toolCalls.map((call) => [call.index, call.id, call.name])).toEqual([[0, 'toolu_01KFbKqPYSuAKujiL6mTfzYA', 'json']]);
    // Empty partial_json pieces carry nothing and are not passed on.
    expect(
      parts.filter((part) => part.type === 'tool-call-delta').map((part) => (part as { argumentsDelta: string }).argumentsDelta),
    ).toEqual(['{"elements": [{"location": "San Francisco", "temperature": 58, "condition": "sunny"}]', '}']);
    expect(JSON.parse(toolCalls[0]!.arguments)).toEqual({ elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }] });
    expect(finish).toEqual({ type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_use' }, usage: usage(849, 47) });
  });
});
