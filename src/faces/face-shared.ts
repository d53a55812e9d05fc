import { ZenError } from '../core/errors.js';
import type { Engine, EngineStream, TextCallInput, ZenMetadata } from './engine.js';

/** Pieces every face uses: the model spec, metadata attachment, signals and opening a stream. */

/** Attaches metadata without changing what JSON.stringify prints (the plain OpenAI shape). */
export function attachMetadata<T extends object>(
  target: T,
  metadata: ZenMetadata | (() => ZenMetadata),
): T & { readonly zen: ZenMetadata } {
  Object.defineProperty(
    target,
    'zen',
    typeof metadata === 'function' ? { get: metadata, enumerable: false } : { value: metadata, enumerable: false },
  );
  return target as T & { readonly zen: ZenMetadata };
}

export function modelSpec(model: unknown, models: unknown): string | string[] {
  const list: string[] = [];
  if (Array.isArray(model)) list.push(...model);
  else if (typeof model === 'string' && model.trim() !== '') list.push(model.trim());
  if (Array.isArray(models)) list.push(...models);
  if (list.length === 0 || list.some((entry) => typeof entry !== 'string' || entry.trim() === '')) {
    throw new ZenError({
      kind: 'invalid_request',
      retryable: false,
      message: 'model must be a model id (e.g. "openai/gpt-5-mini"), a non-empty list of ids, or "auto".',
      code: 'model',
    });
  }
  if (list.includes('auto') && list.length > 1) {
    throw new ZenError({
      kind: 'invalid_request',
      retryable: false,
      message: '"auto" cannot be combined with other models; use zen.models to limit the auto pool.',
      code: 'model',
    });
  }
  return list.length === 1 ? list[0]! : [...new Set(list)];
}

/** `anthropic/claude-haiku-4-5` → `claude-haiku-4-5`, the way vendors name their models in responses. */
export function vendorModelName(model: string | undefined): string | undefined {
  return model?.split('/').pop();
}

/** Makes `target` abort when `source` does; returns the unlink function. */
export function linkSignal(source: AbortSignal | undefined, target: AbortController): () => void {
  if (!source) return () => {};
  if (source.aborted) {
    target.abort(source.reason);
    return () => {};
  }
  const onAbort = (): void => target.abort(source.reason);
  source.addEventListener('abort', onAbort, { once: true });
  return () => source.removeEventListener('abort', onAbort);
}

/**
 * Starts an engine stream under a controller of the face's own, so that the face's stream object
 * can cancel it; `signals` (the caller's) abort it too, and are unlinked once the stream is done.
 */
export async function openEngineStream(
  engine: Engine,
  call: Omit<TextCallInput, 'signal'> & { stream: true },
  signals: ReadonlyArray<AbortSignal | undefined>,
): Promise<{ stream: EngineStream; controller: AbortController }> {
  const controller = new AbortController();
  const unlink = signals.map((signal) => linkSignal(signal, controller));
  let stream: EngineStream;
  try {
    stream = await engine.run({ ...call, signal: controller.signal });
  } catch (error) {
    for (const release of unlink) release();
    throw error;
  }
  void stream.done.finally(() => {
    for (const release of unlink) release();
  });
  return { stream, controller };
}
