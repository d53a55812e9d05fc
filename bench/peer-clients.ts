/**
 * The clients the peers bench compares, each making the same chat call (one short prompt, no
 * retries) against the simulator, as a user of that library would write it. Everything is
 * imported the way a user imports it: `zenrouter` resolves to the built package (dist/) when run
 * by plain node, as the bench's workers are.
 */
// Each client loads only its own libraries (dynamic imports), so that a process measuring one
// holds nothing of the others.

export const PEERS = ['raw', 'rawAgain', 'zenFixed', 'zenAuto', 'aiSdk', 'aiSdkFallback', 'langchain', 'langchainFallbacks'] as const;
export type PeerName = (typeof PEERS)[number];

export const PEER_TITLES: Record<PeerName, string> = {
  raw: 'raw openai SDK',
  rawAgain: 'raw SDK again (A/A)',
  zenFixed: 'ZenClient (fixed model)',
  zenAuto: '`auto`',
  aiSdk: 'AI SDK `generateText`',
  aiSdkFallback: 'AI SDK + ai-fallback',
  langchain: 'LangChain `ChatOpenAI`',
  langchainFallbacks: 'LangChain + `withFallbacks`',
};

/** What a user imports to make the call; the import-time rows import exactly these. */
export const PEER_IMPORTS: Record<PeerName, string[]> = {
  raw: ['openai'],
  rawAgain: ['openai'],
  zenFixed: ['openai', 'zenrouter'],
  zenAuto: ['openai', 'zenrouter'],
  aiSdk: ['ai', '@ai-sdk/openai'],
  aiSdkFallback: ['ai', '@ai-sdk/openai', 'ai-fallback'],
  langchain: ['@langchain/openai'],
  langchainFallbacks: ['@langchain/openai'],
};

export interface PeerClient {
  /** One non-streamed call; resolves with the answer's text. */
  call(): Promise<string>;
  /** One streamed call read to its end; resolves with the number of text chunks read. */
  stream(): Promise<number>;
}

const API_KEY = 'sk-bench-000000000000000000';
const PROMPT = 'Summarise the plot of Hamlet in one sentence.';
const MESSAGES = [{ role: 'user' as const, content: PROMPT }];

/** `baseURL` answers the calls, `streamBaseURL` the streams (300 words each). */
export async function makePeer(name: PeerName, baseURL: string, streamBaseURL: string): Promise<PeerClient> {
  const plain = await single(name, baseURL);
  const streaming = await single(name, streamBaseURL);
  return { call: plain.call, stream: streaming.stream };
}

async function single(name: PeerName, baseURL: string): Promise<PeerClient> {
  const sdk = async () => new (await import('openai')).default({ apiKey: API_KEY, baseURL, maxRetries: 0 });
  switch (name) {
    case 'raw':
    case 'rawAgain': {
      const client = await sdk();
      return {
        call: async () =>
          (await client.chat.completions.create({ model: 'gpt-5-mini', messages: MESSAGES })).choices[0]!.message.content ?? '',
        stream: async () =>
          countChunks(
            await client.chat.completions.create({ model: 'gpt-5-mini', messages: MESSAGES, stream: true }),
            (chunk) => chunk.choices[0]?.delta.content,
          ),
      };
    }
    case 'zenFixed':
    case 'zenAuto': {
      const { ZenClient } = await import('zenrouter');
      // As bench/clients.ts: `auto` over three OpenAI models; the fixed model is one of them.
      const zen = new ZenClient({
        providers: { openai: await sdk() },
        routing: { models: ['openai/gpt-5-mini', 'openai/gpt-5-nano', 'openai/gpt-4.1-mini'] },
      });
      const model = name === 'zenAuto' ? 'auto' : 'openai/gpt-5-mini';
      return {
        call: async () => (await zen.chat.completions.create({ model, messages: MESSAGES })).choices[0]!.message.content ?? '',
        stream: async () =>
          countChunks(
            await zen.chat.completions.create({ model, messages: MESSAGES, stream: true }),
            (chunk) => chunk.choices[0]?.delta.content,
          ),
      };
    }
    case 'aiSdk':
    case 'aiSdkFallback': {
      const [{ generateText, streamText }, { createOpenAI }] = await Promise.all([import('ai'), import('@ai-sdk/openai')]);
      const provider = createOpenAI({ apiKey: API_KEY, baseURL });
      // Chat Completions, as the other clients use (the provider's default model is the Responses API).
      const model =
        name === 'aiSdk'
          ? provider.chat('gpt-5-mini')
          : (await import('ai-fallback')).createFallback({ models: [provider.chat('gpt-5-mini'), provider.chat('gpt-5-nano')] });
      return {
        call: async () => (await generateText({ model, messages: MESSAGES, maxRetries: 0 })).text,
        stream: async () => countChunks(streamText({ model, messages: MESSAGES, maxRetries: 0 }).textStream, (text) => text),
      };
    }
    case 'langchain':
    case 'langchainFallbacks': {
      const { ChatOpenAI } = await import('@langchain/openai');
      const chat = (model: string) => new ChatOpenAI({ model, apiKey: API_KEY, configuration: { baseURL }, maxRetries: 0 });
      const runnable = name === 'langchain' ? chat('gpt-5-mini') : chat('gpt-5-mini').withFallbacks([chat('gpt-5-nano')]);
      return {
        call: async () => String((await runnable.invoke(MESSAGES)).content),
        stream: async () =>
          countChunks(await runnable.stream(MESSAGES), (chunk) => (typeof chunk.content === 'string' ? chunk.content : '')),
      };
    }
  }
}

async function countChunks<T>(stream: AsyncIterable<T>, text: (item: T) => string | null | undefined): Promise<number> {
  let chunks = 0;
  for await (const item of stream) if (text(item)) chunks++;
  return chunks;
}
