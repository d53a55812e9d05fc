import type { GenerationResult } from '../core/result.js';
import type { StreamPart } from '../core/stream-part.js';
import { emptyUsage } from '../core/usage.js';

/** Rebuilds the answer of a stream from its parts, so answer detectors see what a non-streamed call returns. */
export class StreamAssembler {
  private text = '';
  private reasoning = '';
  private readonly calls: Array<{ id: string; name: string; arguments: string; providerData?: Record<string, unknown> }> = [];
  private start: Extract<StreamPart, { type: 'stream-start' }> | undefined;
  private finish: Extract<StreamPart, { type: 'finish' }> | undefined;

  add(part: StreamPart): void {
    switch (part.type) {
      case 'stream-start':
        this.start = part;
        break;
      case 'text-delta':
        this.text += part.delta;
        break;
      case 'reasoning-delta':
        this.reasoning += part.delta;
        break;
      case 'tool-call-start':
        this.calls[part.index] = {
          id: part.id,
          name: part.name,
          arguments: '',
          ...(part.providerData ? { providerData: part.providerData } : {}),
        };
        break;
      case 'tool-call-delta': {
        const call = this.calls[part.index];
        if (call) call.arguments += part.argumentsDelta;
        break;
      }
      case 'finish':
        this.finish = part;
        break;
    }
  }

  result(): GenerationResult {
    const content: GenerationResult['content'] = [];
    if (this.reasoning) content.push({ type: 'reasoning', text: this.reasoning });
    if (this.text) content.push({ type: 'text', text: this.text });
    for (const call of this.calls) if (call) content.push({ type: 'tool-call', ...call });
    return {
      id: this.start?.id,
      modelId: this.start?.modelId,
      content,
      finishReason: this.finish?.finishReason ?? { unified: 'other', raw: undefined },
      usage: this.finish?.usage ?? emptyUsage(),
      warnings: this.start?.warnings ?? [],
      ...(this.finish?.providerMetadata ? { providerMetadata: this.finish.providerMetadata } : {}),
    };
  }
}
