import type { Attributes } from '@opentelemetry/api';
import type { GenerationRequest } from '../../core/request.js';
import type { GenerationResult } from '../../core/result.js';
import { redactContent, stripSecrets } from '../../insurance/capture.js';
import { toAssistantMessage, toChatMessages, type ChatMessage } from '../../insurance/chat-format.js';
import type { CaptureContent } from '../../insurance/options.js';

/**
 * A call's prompt and answer as span attributes, in the shape the GenAI semantic conventions give
 * them (`gen_ai.system_instructions`, `gen_ai.input.messages`, `gen_ai.output.messages`: JSON text
 * of role and parts), redacted as the ledger redacts: `redacted` replaces PII and credentials,
 * `full` removes credentials only. Images are left out, as in the ledger.
 */
export async function contentAttributes(
  mode: CaptureContent,
  request: GenerationRequest,
  answer: GenerationResult['content'] | undefined,
  finishReason: string | undefined,
): Promise<Attributes> {
  if (mode === 'none') return {};
  let messages = toChatMessages(request.messages);
  let reply = answer ? toAssistantMessage(answer) : undefined;
  if (mode === 'redacted') {
    messages = await redactContent(messages);
    if (reply) reply = await redactContent(reply);
  } else {
    messages = stripSecrets(messages);
    if (reply) reply = stripSecrets(reply);
  }
  const system = messages.filter((message) => message.role === 'system').map((message) => ({ type: 'text', content: message.content }));
  const attributes: Attributes = {
    'gen_ai.input.messages': JSON.stringify(messages.filter((message) => message.role !== 'system').map(semanticMessage)),
  };
  if (system.length > 0) attributes['gen_ai.system_instructions'] = JSON.stringify(system);
  if (reply)
    attributes['gen_ai.output.messages'] = JSON.stringify([
      { ...semanticMessage(reply), ...(finishReason ? { finish_reason: finishReason } : {}) },
    ]);
  return attributes;
}

function semanticMessage(message: ChatMessage): { role: string; parts: unknown[] } {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, parts: [{ type: 'text', content: message.content }] };
    case 'tool':
      return { role: 'tool', parts: [{ type: 'tool_call_response', id: message.tool_call_id, response: message.content }] };
    case 'assistant': {
      const parts: unknown[] = message.content ? [{ type: 'text', content: message.content }] : [];
      for (const call of message.tool_calls ?? [])
        parts.push({ type: 'tool_call', id: call.id, name: call.function.name, arguments: parsed(call.function.arguments) });
      return { role: 'assistant', parts };
    }
  }
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
