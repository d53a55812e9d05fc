/**
 * A tool loop with the openai SDK's shapes, served by any family: the model asks for a tool, the
 * app runs it and sends the result back, the model answers.
 * Run offline: npx tsx examples/run.ts examples/tools.ts
 */
import type OpenAI from 'openai';
import { ZenClient } from 'zenrouter';

const zen = new ZenClient();

const tools: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
      strict: true,
    },
  },
];

function getWeather(args: { city: string }): string {
  return JSON.stringify({ city: args.city, temperatureC: 19, sky: 'clear' });
}

export async function main(): Promise<void> {
  for (const model of ['openai/gpt-5-mini', 'anthropic/claude-haiku-4-5', 'google/gemini-2.5-flash']) {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What should I wear in Lisbon today?' }];
    // A session keeps a multi-turn tool conversation on one channel unless it fails.
    const session = `weather-${model}`;
    for (let turn = 0; turn < 4; turn += 1) {
      const completion = await zen.chat.completions.create({ model, messages, tools, zen: { session } });
      const message = completion.choices[0]!.message;
      messages.push(message);
      if (!message.tool_calls?.length) {
        console.log(`${model}: ${message.content}`);
        break;
      }
      for (const call of message.tool_calls) {
        if (call.type !== 'function') continue;
        console.log(`${model} calls ${call.function.name}(${call.function.arguments})`);
        messages.push({
          role: 'tool',
          tool_call_id: call.id,
          content: getWeather(JSON.parse(call.function.arguments) as { city: string }),
        });
      }
    }
  }
}
