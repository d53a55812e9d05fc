/**
 * The canonical request: what the caller asked, whatever face it came through.
 * Faces convert into it; providers convert out of it. Read this file first.
 */

export type JsonSchema = Record<string, unknown>;

export interface TextPart {
  type: 'text';
  text: string;
}

export type ImageSource = { kind: 'url'; url: string } | { kind: 'base64'; mediaType: string; data: string };

export interface ImagePart {
  type: 'image';
  source: ImageSource;
  /** OpenAI's `detail` hint (`original`: full resolution, newer models); other vendors ignore it. */
  detail?: 'auto' | 'low' | 'high' | 'original';
}

export interface ToolCallPart {
  type: 'tool-call';
  id: string;
  name: string;
  /** The arguments as the JSON text the model produced. */
  arguments: string;
  /** Opaque vendor data that must travel back with the call (Gemini thought signatures). */
  providerData?: Record<string, unknown>;
}

export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  /** Anthropic thinking signature or Gemini thought signature, needed to continue a turn. */
  signature?: string;
  /** Anthropic `redacted_thinking` data. */
  redactedData?: string;
}

export interface SystemMessage {
  role: 'system';
  content: string;
}

export interface UserMessage {
  role: 'user';
  content: Array<TextPart | ImagePart>;
}

export interface AssistantMessage {
  role: 'assistant';
  content: Array<TextPart | ReasoningPart | ToolCallPart>;
}

export interface ToolMessage {
  role: 'tool';
  toolCallId: string;
  /** The name of the tool that was called; Gemini needs it, faces resolve it from the call. */
  toolName: string;
  content: string;
  isError?: boolean;
}

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: JsonSchema;
  strict?: boolean;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'tool'; name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json' }
  | { type: 'json-schema'; name: string; schema: JsonSchema; description?: string; strict?: boolean };

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high';

/** The face a call came through; recorded in the ledger. */
export type FaceName =
  | 'openai-chat'
  | 'anthropic-messages'
  | 'gemini-generate'
  | 'openai-images'
  | 'openai-responses'
  | 'openai-embeddings';

/**
 * A tool that OpenAI runs on its side (web search, file search, code interpreter, computer use,
 * image generation, remote MCP, ...), in the Responses API's own shape. A request that offers one
 * is routed to OpenAI models only, whose adapter calls the Responses API.
 */
export interface HostedTool {
  type: string;
  [field: string]: unknown;
}

/**
 * An input item only the Responses API reads (a `web_search_call`, a `computer_call_output`, ...),
 * in its own shape; `after` is the number of `messages` that come before it. Only the OpenAI
 * adapter's Responses path sends these; other providers never see them.
 */
export interface HostedItem {
  after: number;
  item: { type: string; [field: string]: unknown };
}

export interface GenerationRequest {
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** OpenAI-style effort; providers map it to their thinking budgets. */
  reasoningEffort?: ReasoningEffort;
  /** An explicit thinking budget in tokens (Anthropic `thinking.budget_tokens`, Gemini `thinkingBudget`). */
  reasoningBudgetTokens?: number;
  /** Whether the caller wants reasoning text back when the vendor can return it. */
  includeReasoning?: boolean;
  /** Opaque end-user id (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
  /** Tools only OpenAI runs (see HostedTool): the call is routed to OpenAI models only. */
  hostedTools?: HostedTool[];
  /** Input items only the Responses API reads (see HostedItem). */
  hostedItems?: HostedItem[];
  /** Vendor-specific extras passed through untouched, keyed by provider family. */
  providerOptions?: Partial<Record<ProviderFamily, Record<string, unknown>>>;
}

export type ProviderFamily = 'openai' | 'anthropic' | 'google' | 'vertexai';

/** An image generation or edit, in canonical form. */
export interface ImageRequest {
  prompt: string;
  n: number;
  size?: string;
  quality?: string;
  background?: 'transparent' | 'opaque' | 'auto';
  outputFormat?: 'png' | 'jpeg' | 'webp';
  responseFormat?: 'b64_json' | 'url';
  /** Input images for an edit, as base64 with media type. */
  images?: Array<{ data: string; mediaType: string }>;
  mask?: { data: string; mediaType: string };
  user?: string;
}
