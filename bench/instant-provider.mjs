// An openai provider with the SDK's shape that answers on the next turn of the event loop, as a
// network answer would, with no SDK and no network: ZenClient's own work is then all that runs
// (bench/intrinsic.ts, bench/telemetry.ts, and the sdk-path and event-loop children, which run
// on plain Node and so share it as JavaScript). Types in instant-provider.d.mts.
export const INSTANT_ANSWER = 'The quick brown fox jumps over the lazy dog.';

const completion = {
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-5-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: INSTANT_ANSWER, refusal: null }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 },
};

/** The completion every instant call answers with (a fresh copy each time). */
export const instantCompletion = () => structuredClone(completion);

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

export function instantProvider() {
  return {
    baseURL: 'https://api.openai.com/v1',
    chat: {
      completions: {
        create: async () => {
          await nextTurn();
          return instantCompletion();
        },
      },
    },
  };
}
