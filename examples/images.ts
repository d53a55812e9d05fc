/**
 * Images with the openai SDK's Images shape, routed to OpenAI image models (gpt-image-1, dall-e-3)
 * and Google's (Gemini image models, Imagen on Vertex AI), with failover and per-image cost.
 *
 *   npx tsx examples/images.ts
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZenClient } from 'zenrouter';
import { simulatorProviders, startSimulator } from 'zenrouter/testing';

export async function main(): Promise<void> {
  const sim = await startSimulator();
  const zen = new ZenClient({
    providers: await simulatorProviders(sim, { vertex: 'vertex' }),
    // Per-image prices the data packages don't carry, as host facts.
    models: { 'openai/dall-e-3': { price: { inputPerMTok: 0, outputPerMTok: 0, perImage: 0.04 } } },
  });
  try {
    const generated = await zen.images.generate({ model: 'openai/gpt-image-1', prompt: 'A lighthouse at dusk', n: 2, size: '1024x1024' });
    console.log(
      `gpt-image-1: ${generated.data?.length} images, first ${generated.data?.[0]?.b64_json?.length} base64 chars, cost $${generated.zen.cost.total.toFixed(6)}`,
    );
    const file = join(tmpdir(), 'zenrouter-lighthouse.png');
    writeFileSync(file, Buffer.from(generated.data![0]!.b64_json!, 'base64'));
    console.log(`  saved ${file}`);

    const dalle = await zen.images.generate({ model: 'openai/dall-e-3', prompt: 'A red kite', n: 3 });
    console.log(
      `dall-e-3, n=3: ${dalle.zen.attempts.length} attempt(s), ${dalle.data?.length} images, $${dalle.zen.cost.total.toFixed(2)} (one image per call, split by the engine)`,
    );

    const imagen = await zen.images.generate({ model: 'google/imagen-4.0-generate-001', prompt: 'A paper boat', n: 5 });
    console.log(`imagen on ${imagen.zen.channel}: ${imagen.data?.length} images`);

    sim.enqueue('gpt-image-1', { fault: { type: 'http', status: 500 } }, { fault: { type: 'http', status: 500 } });
    const failedOver = await zen.images.generate({ model: ['openai/gpt-image-1', 'google/gemini-2.5-flash-image'], prompt: 'A teapot' });
    console.log(`failover: ${failedOver.zen.attempts.map((attempt) => `${attempt.channel} ${attempt.outcome}`).join(' → ')}`);

    const edited = await zen.images.edit({ model: 'openai/gpt-image-1', prompt: 'Add a moon', image: generated.data![0]!.b64_json! });
    console.log(`edit: ${edited.data?.length} image from ${edited.zen.channel}`);
  } finally {
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
