import { expect } from 'vitest';
import { ZenError } from '../../src/core/errors.js';
import type { GenerationRequest } from '../../src/core/request.js';
import type { StreamPart } from '../../src/core/stream-part.js';
import type { ProviderAdapter } from '../../src/providers/types.js';
import type { Simulator } from '../../src/testing/index.js';
import type { SimReply } from '../../src/testing/types.js';

/**
 * The ZenError a provider adapter gives for a scripted reply, non-streamed and streamed: the
 * error tests of the providers that take a SimReply share these.
 */
export function providerErrors(sim: Simulator, model: string, request: GenerationRequest, provider: () => ProviderAdapter) {
  async function generateError(reply: SimReply, signal?: AbortSignal): Promise<ZenError> {
    sim.enqueue(model, reply);
    const error = await provider()
      .generate({ modelId: model, request, signal })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(ZenError.isInstance(error)).toBe(true);
    return error as ZenError;
  }

  /** The error of a streamed call, whether the call rejects or the iterator throws. */
  /** `onAccepted` and `onPart` let a test act (abort) at a known point of the stream, not after an amount of time. */
  async function streamError(
    reply: SimReply,
    signal?: AbortSignal,
    onAccepted?: () => void,
    onPart?: (part: StreamPart) => void,
  ): Promise<{ error: ZenError; parts: StreamPart[]; accepted: boolean }> {
    sim.enqueue(model, reply);
    const parts: StreamPart[] = [];
    let accepted = false;
    try {
      const stream = await provider().stream({ modelId: model, request, signal });
      accepted = true;
      onAccepted?.();
      for await (const part of stream) {
        parts.push(part);
        onPart?.(part);
      }
    } catch (error) {
      expect(ZenError.isInstance(error)).toBe(true);
      return { error: error as ZenError, parts, accepted };
    }
    throw new Error('the stream did not fail');
  }

  return { generateError, streamError };
}
