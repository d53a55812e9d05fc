import { zen } from '../../../lib/zen';

/**
 * A streaming route handler: POST {"prompt": "..."} and read the answer as it is generated
 * (plain text). Cancelling the request (the client goes away) cancels the upstream call.
 */
export async function POST(request: Request): Promise<Response> {
  const { prompt } = (await request.json()) as { prompt?: unknown };
  if (typeof prompt !== 'string' || !prompt.trim()) return Response.json({ error: 'prompt must be a non-empty string' }, { status: 400 });
  const stream = await zen.chat.completions.create(
    { model: 'auto', messages: [{ role: 'user', content: prompt }], stream: true },
    { signal: request.signal },
  );
  const chunks = stream[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) return controller.close();
      const text = next.value.choices[0]?.delta.content;
      if (text) controller.enqueue(encoder.encode(text));
    },
    cancel() {
      stream.controller.abort();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
}
