/**
 * What README blocks use without defining it: a client, a conversation, a document, ... Imported
 * by every block that the checker generates (names a block imports or declares itself win). The
 * providers are the simulator, reached through the SDKs' own environment variables, so a block's
 * `new ZenClient()` takes its usual path.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { FunctionDeclaration } from '@google/genai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { ZenClient } from 'zenrouter';
import { startSimulator } from 'zenrouter/testing';
import { tinyPng } from '../../src/testing/png.js';

export { ZenClient, ZenError } from 'zenrouter';
export { JsonlLedgerStore } from 'zenrouter/node';

export const simulator = await startSimulator();
Object.assign(process.env, {
  OPENAI_API_KEY: 'sk-readme-000000000000000000',
  OPENAI_BASE_URL: simulator.openaiBaseURL,
  ANTHROPIC_API_KEY: 'sk-ant-readme-0000000000000',
  ANTHROPIC_BASE_URL: simulator.anthropicBaseURL,
  GEMINI_API_KEY: 'AIza-readme-00000000000000000000000',
  GOOGLE_GEMINI_BASE_URL: simulator.googleBaseURL,
});
for (const key of ['GOOGLE_API_KEY', 'GOOGLE_CLOUD_PROJECT', 'GOOGLE_CLOUD_LOCATION']) delete process.env[key];

export const zen = new ZenClient();
export const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Name a lighthouse in Norway.' }];
export const params: Anthropic.MessageCreateParamsNonStreaming = {
  model: 'claude-haiku-4-5',
  max_tokens: 256,
  messages: [{ role: 'user', content: 'Say hello.' }],
};
export const contents = 'Describe a lighthouse in one sentence.';
export const setLight: FunctionDeclaration = {
  name: 'set_light',
  description: 'Turns a light on or off.',
  parametersJsonSchema: { type: 'object', properties: { room: { type: 'string' }, on: { type: 'boolean' } }, required: ['room', 'on'] },
};
export const file = new File([new Uint8Array(tinyPng('readme'))], 'photo.png', { type: 'image/png' });
export const schema = {
  type: 'object',
  properties: { name: { type: 'string' }, born: { type: 'integer' } },
  required: ['name', 'born'],
  additionalProperties: false,
};
export const contract = 'The lease runs from 1 May 2024 to 30 April 2025. The rent is 1,200 EUR a month.';
/** Where exported lines go. */
export const out = {
  lines: [] as string[],
  write(line: string): void {
    this.lines.push(line);
  },
};
