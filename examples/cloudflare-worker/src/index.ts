import OpenAI from 'openai';
import { ZenClient, ZenError } from 'zenrouter';

/** The Worker's bindings (wrangler.toml vars and secrets). */
interface Env {
  OPENAI_API_KEY: string;
  OPENAI_BASE_URL?: string;
}

/**
 * zenrouter on Cloudflare Workers. The Worker builds the SDK client from its bindings and hands it
 * to ZenClient: Workers have no process.env to build clients from (and no module loading at run
 * time), so `new ZenClient()` without providers is a `configuration` error that says so.
 *   GET /?prompt=...            a routed call
 *   GET /?prompt=...&from=env   the environment-based client, to see that error
 */
// One client per isolate, built on the first request (bindings arrive with it): breakers and
// latency statistics live as long as the isolate.
let routed: ZenClient | undefined;
let fromEnv: ZenClient | undefined;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const zen =
      url.searchParams.get('from') === 'env'
        ? (fromEnv ??= new ZenClient())
        : (routed ??= new ZenClient({
            providers: { openai: new OpenAI({ apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL, maxRetries: 0 }) },
          }));
    try {
      const completion = await zen.chat.completions.create({
        model: 'auto',
        messages: [{ role: 'user', content: url.searchParams.get('prompt') ?? 'Hello' }],
      });
      return Response.json({
        content: completion.choices[0]?.message.content,
        model: completion.zen.model,
        costUsd: completion.zen.cost.total,
      });
    } catch (error) {
      if (!ZenError.isInstance(error)) throw error;
      return Response.json({ error: { kind: error.kind, message: error.message } }, { status: error.kind === 'configuration' ? 500 : 502 });
    }
  },
};
