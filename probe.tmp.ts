import { ZenClient } from './src/index.js';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
const zen = new ZenClient({ routing: { exploration: false }, providers: { openai: new OpenAI({ apiKey: 'x', baseURL: 'http://127.0.0.1:1' }), anthropic: new Anthropic({ apiKey: 'x', baseURL: 'http://127.0.0.1:1' }), google: new GoogleGenAI({ apiKey: 'x' }) } });
for (const text of ['Rewrite this sentence to be more formal: gonna be late, sorry.', 'Fix the grammar: me and him goes to the store yesterday.']) {
  const plan = await zen.plan({ model: 'auto', request: { messages: [{ role: 'user', content: [{ type: 'text', text }] }] }, options: { preference: 'price', maxChannels: 30 } } as never);
  console.log(plan.analysis.category, plan.analysis.features);
  for (const c of plan.order.slice(0, 8)) console.log('  ', c.channel.id.padEnd(45), c.cost.toPrecision(3), c.quality.mean.toFixed(4));
}
