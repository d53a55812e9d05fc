import OpenAI from 'openai';
import { ZenClient, ZenError } from 'zenrouter';

/**
 * An edge route handler. On edge runtimes the host builds the SDK clients (the environment-based
 * `new ZenClient()` loads SDKs with a runtime import, which edge bundles cannot do): the client
 * below reads OPENAI_API_KEY and OPENAI_BASE_URL as usual.
 * GET /api/edge?prompt=...            a routed call
 * GET /api/edge?prompt=...&from=env   the environment-based client, which answers with a
 *                                     `configuration` error naming what the runtime lacks
 */
export const runtime = 'edge';

// Built on the first request: the build evaluates this module without the runtime's environment.
let zen: ZenClient | undefined;
let fromEnv: ZenClient | undefined;

export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const prompt = url.searchParams.get('prompt') ?? 'Say hello from the edge.';
  const client =
    url.searchParams.get('from') === 'env'
      ? (fromEnv ??= new ZenClient())
      : (zen ??= new ZenClient({ providers: { openai: new OpenAI({ maxRetries: 0 }) } }));
  try {
    const completion = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: prompt }] });
    return Response.json({ content: completion.choices[0]?.message.content, model: completion.zen.model });
  } catch (error) {
    if (!ZenError.isInstance(error)) throw error;
    return Response.json({ error: { kind: error.kind, message: error.message } }, { status: 500 });
  }
}
