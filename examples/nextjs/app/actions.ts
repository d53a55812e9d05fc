'use server';

import { zen } from '../lib/zen';

export interface SummaryState {
  summary?: string;
  model?: string;
  error?: string;
}

/**
 * A Next.js server action (`<form action={summarize}>`): zenrouter runs inside the server
 * process, no proxy. The fallback list keeps the form working when one vendor is down.
 */
export async function summarize(_previous: SummaryState, form: FormData): Promise<SummaryState> {
  const text = String(form.get('text') ?? '').trim();
  if (!text) return { error: 'Nothing to summarise.' };
  try {
    const completion = await zen.chat.completions.create({
      model: ['anthropic/claude-haiku-4-5', 'openai/gpt-5-mini', 'google/gemini-2.5-flash'],
      messages: [
        { role: 'system', content: 'Summarise the text in one sentence.' },
        { role: 'user', content: text },
      ],
      max_completion_tokens: 200,
    });
    return { summary: completion.choices[0]?.message.content ?? '', model: completion.zen.model };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
