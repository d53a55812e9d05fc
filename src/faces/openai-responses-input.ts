import type { AssistantMessage, HostedItem, ImagePart, Message, TextPart } from '../core/request.js';
import { parseDataUrl } from './data-url.js';
import { invalidRequest, isRecord } from './invalid-request.js';

/**
 * The Responses API's `input` (a string, or items) → canonical messages. Messages, images,
 * `function_call` / `function_call_output` and `reasoning` items map onto every model; items only
 * the Responses API reads (a `web_search_call`, a `computer_call_output`, ...) are kept as
 * hosted items, which only an OpenAI model routed through its Responses API sees.
 */

type Item = Record<string, unknown>;

/** Item types only OpenAI's Responses API understands: kept as they are, for OpenAI models only. */
const HOSTED_ITEM_TYPES: ReadonlySet<string> = new Set([
  'file_search_call',
  'web_search_call',
  'computer_call',
  'computer_call_output',
  'code_interpreter_call',
  'image_generation_call',
  'local_shell_call',
  'local_shell_call_output',
  'shell_call',
  'shell_call_output',
  'apply_patch_call',
  'apply_patch_call_output',
  'mcp_list_tools',
  'mcp_approval_request',
  'mcp_approval_response',
  'mcp_call',
  'custom_tool_call',
  'custom_tool_call_output',
  'tool_search_call',
  'tool_search_output',
  'compaction',
  'additional_tools',
  'program',
  'program_output',
]);

export interface ConvertedInput {
  messages: Message[];
  hostedItems: HostedItem[];
}

function textParts(content: unknown, param: string, allowed: readonly string[]): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalidRequest('content must be a string or an array of content parts.', param);
  return content
    .map((part: unknown, index) => {
      const where = `${param}[${index}]`;
      if (!isRecord(part) || typeof part.type !== 'string') throw invalidRequest('Each content part must be an object with a type.', where);
      if (!allowed.includes(part.type))
        throw invalidRequest(`Content part type "${part.type}" is not allowed here (${allowed.join(', ')}).`, where);
      return String(part.type === 'refusal' ? part.refusal : part.text);
    })
    .join('');
}

function imagePart(part: Item, where: string): ImagePart {
  const detail =
    part.detail === 'low' || part.detail === 'high' || part.detail === 'auto' || part.detail === 'original' ? part.detail : undefined;
  const url = part.image_url;
  if (typeof url !== 'string' || url === '') {
    if (typeof part.file_id === 'string')
      throw invalidRequest(
        'input_image with a file_id is not supported (files live at OpenAI); send image_url as an https URL or a data URL.',
        `${where}.file_id`,
      );
    throw invalidRequest('input_image needs image_url: an https URL or a data URL.', `${where}.image_url`);
  }
  if (url.startsWith('data:')) {
    const parsed = parseDataUrl(url);
    if (!parsed)
      throw invalidRequest(
        'image_url is a data URL that is not base64 encoded (expected data:<type>;base64,<data>).',
        `${where}.image_url`,
      );
    return { type: 'image', source: { kind: 'base64', mediaType: parsed.mediaType, data: parsed.data }, ...(detail ? { detail } : {}) };
  }
  if (!/^https?:\/\//i.test(url)) throw invalidRequest('image_url must be an http(s) URL or a data URL.', `${where}.image_url`);
  return { type: 'image', source: { kind: 'url', url }, ...(detail ? { detail } : {}) };
}

function userContent(content: unknown, param: string): Array<TextPart | ImagePart> {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalidRequest('content must be a string or an array of content parts.', param);
  return content.map((part: unknown, index): TextPart | ImagePart => {
    const where = `${param}[${index}]`;
    if (!isRecord(part)) throw invalidRequest('Each content part must be an object with a type.', where);
    switch (part.type) {
      case 'input_text':
        return { type: 'text', text: String(part.text) };
      case 'input_image':
        return imagePart(part, where);
      case 'input_file':
        throw invalidRequest('input_file parts are not supported by zenrouter yet; send text or images.', where);
      case 'input_audio':
        throw invalidRequest('Audio input is not supported by zenrouter yet.', where);
      default:
        throw invalidRequest(`Content part type "${String(part.type)}" is not allowed in a user message (input_text, input_image).`, where);
    }
  });
}

/** A function's output as text: a string, or its `input_text` parts (images in tool output have no canonical place). */
function functionOutput(output: unknown, param: string): string {
  if (typeof output === 'string') return output;
  return textParts(output, param, ['input_text']);
}

/** The text a reasoning item carries: its reasoning text, else its summary. */
function reasoningText(item: Item): string {
  const parts = Array.isArray(item.content) && item.content.length > 0 ? item.content : Array.isArray(item.summary) ? item.summary : [];
  return parts.map((part: unknown) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('\n');
}

/**
 * Converts the items in order. Consecutive assistant output (messages, reasoning, function calls)
 * becomes one assistant message, as every vendor wants a turn's calls together; a tool result
 * must answer a `function_call` that came before it.
 */
export function convertInput(input: readonly unknown[], nameOf: (index: number) => string = (index) => `input[${index}]`): ConvertedInput {
  const messages: Message[] = [];
  const hostedItems: HostedItem[] = [];
  const toolNames = new Map<string, string>();
  let assistant: AssistantMessage['content'] | undefined;
  const flush = (): void => {
    if (assistant && assistant.length > 0) messages.push({ role: 'assistant', content: assistant });
    assistant = undefined;
  };
  const assistantContent = (): AssistantMessage['content'] => (assistant ??= []);

  input.forEach((raw: unknown, index) => {
    const where = nameOf(index);
    if (!isRecord(raw)) throw invalidRequest('Each input item must be an object.', where);
    const type = raw.type;
    if (type === undefined || type === 'message') {
      switch (raw.role) {
        case 'system':
        case 'developer':
          flush();
          messages.push({ role: 'system', content: textParts(raw.content, `${where}.content`, ['input_text']) });
          return;
        case 'user':
          flush();
          messages.push({ role: 'user', content: userContent(raw.content, `${where}.content`) });
          return;
        case 'assistant': {
          const text = textParts(raw.content, `${where}.content`, ['output_text', 'input_text', 'refusal']);
          if (text) assistantContent().push({ type: 'text', text });
          return;
        }
        default:
          throw invalidRequest(`Unknown message role "${String(raw.role)}" (user, assistant, system, developer).`, `${where}.role`);
      }
    }
    switch (type) {
      case 'function_call': {
        const callId = String(raw.call_id);
        toolNames.set(callId, String(raw.name));
        assistantContent().push({
          type: 'tool-call',
          id: callId,
          name: String(raw.name),
          arguments: typeof raw.arguments === 'string' && raw.arguments !== '' ? raw.arguments : '{}',
        });
        return;
      }
      case 'function_call_output': {
        flush();
        const callId = String(raw.call_id);
        const toolName = toolNames.get(callId);
        if (!toolName)
          throw invalidRequest(
            `function_call_output refers to call_id "${callId}", which no earlier function_call item made.`,
            `${where}.call_id`,
          );
        messages.push({ role: 'tool', toolCallId: callId, toolName, content: functionOutput(raw.output, `${where}.output`) });
        return;
      }
      case 'reasoning': {
        const text = reasoningText(raw);
        const signature = typeof raw.encrypted_content === 'string' && raw.encrypted_content !== '' ? raw.encrypted_content : undefined;
        if (text || signature) assistantContent().push({ type: 'reasoning', text, ...(signature ? { signature } : {}) });
        return;
      }
      case 'item_reference':
        throw invalidRequest('item_reference items are not supported; pass the item itself, or continue with previous_response_id.', where);
      default:
        if (typeof type === 'string' && HOSTED_ITEM_TYPES.has(type)) {
          flush();
          hostedItems.push({ after: messages.length, item: raw as HostedItem['item'] });
          return;
        }
        throw invalidRequest(`Unknown input item type "${String(type)}".`, `${where}.type`);
    }
  });
  flush();
  if (messages.length === 0) throw invalidRequest('input must hold at least one message.', 'input');
  return { messages, hostedItems };
}
