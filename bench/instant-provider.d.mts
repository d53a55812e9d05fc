import type { ChatCompletion } from 'openai/resources/chat/completions';

export declare const INSTANT_ANSWER: string;
export declare function instantCompletion(): ChatCompletion;
export declare function instantProvider(): {
  baseURL: string;
  chat: { completions: { create: (body?: unknown) => Promise<ChatCompletion> } };
};
