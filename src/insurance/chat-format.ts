import type { Message, ToolDefinition } from '../core/request.js';
import type { GenerationResult } from '../core/result.js';

/**
 * Canonical messages and answers in the OpenAI Chat Completions shape: the shape of captured
 * content, of cases, and of the fine-tuning export, whatever face the call came through.
 */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ChatToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

/** Images are left out (a placeholder says where): they are heavy and may show a person. */
const IMAGE_PLACEHOLDER = '[image omitted]';

export function toChatMessages(messages: readonly Message[]): ChatMessage[] {
  return messages.map((message): ChatMessage => {
    switch (message.role) {
      case 'system':
        return { role: 'system', content: message.content };
      case 'user': {
        // One text part (most prompts): its text, without a list to join.
        const only = message.content.length === 1 ? message.content[0]! : undefined;
        if (only?.type === 'text') return { role: 'user', content: only.text };
        return { role: 'user', content: message.content.map((part) => (part.type === 'text' ? part.text : IMAGE_PLACEHOLDER)).join('\n') };
      }
      case 'assistant':
        return toAssistantMessage(message.content);
      case 'tool':
        return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    }
  });
}

/** An answer as the assistant turn; reasoning is left out (vendors do not accept it back as text). */
export function toAssistantMessage(content: GenerationResult['content']): Extract<ChatMessage, { role: 'assistant' }> {
  let text = '';
  const calls: ChatToolCall[] = [];
  for (const part of content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'tool-call')
      calls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } });
  }
  return { role: 'assistant', content: calls.length > 0 && text === '' ? null : text, ...(calls.length > 0 ? { tool_calls: calls } : {}) };
}

export function toChatTools(tools: readonly ToolDefinition[] | undefined): ChatTool[] | undefined {
  if (!tools || tools.length === 0) return undefined;
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.parameters },
  }));
}

/** Characters of text in messages (prompt size without keeping the prompt). */
export function messageChars(messages: readonly ChatMessage[]): number {
  let chars = 0;
  for (const message of messages) {
    if (typeof message.content === 'string') chars += message.content.length;
    if (message.role === 'assistant') for (const call of message.tool_calls ?? []) chars += call.function.arguments.length;
  }
  return chars;
}
