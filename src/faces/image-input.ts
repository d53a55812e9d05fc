import { parseDataUrl } from './data-url.js';
import { invalidRequest, isRecord } from './invalid-request.js';

/**
 * An image to edit, in any form the openai SDK's `Uploadable` takes and a few more: a File or
 * Blob, a Response, bytes (Uint8Array, ArrayBuffer, Buffer), an async iterable of bytes (a Node
 * read stream), base64 text or a data URL.
 */
export type ImageInput =
  | Blob
  | ArrayBuffer
  | ArrayBufferView
  | string
  | { arrayBuffer(): Promise<ArrayBuffer>; type?: string }
  | AsyncIterable<Uint8Array | string>;

export interface Base64Image {
  data: string;
  mediaType: string;
}

/** Magic numbers of the image formats the image APIs take. */
function sniffMediaType(bytes: Uint8Array): string | undefined {
  const starts = (...signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50)
    return 'image/webp';
  return undefined;
}

/** Base64 without Node's Buffer, so that the face runs wherever the SDKs do. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let start = 0; start < bytes.length; start += 0x8000) binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  return btoa(binary);
}

/** The first bytes of base64 data (enough for the magic numbers). */
function base64Head(data: string): Uint8Array {
  const head = data.slice(0, Math.min(16, data.length - (data.length % 4)));
  try {
    return Uint8Array.from(atob(head), (character) => character.charCodeAt(0));
  } catch {
    return new Uint8Array();
  }
}

function fromBytes(bytes: Uint8Array, declaredType: string | undefined, param: string): Base64Image {
  if (bytes.length === 0) throw invalidRequest('The image is empty.', param);
  const mediaType = sniffMediaType(bytes) ?? (declaredType?.startsWith('image/') ? declaredType : undefined);
  if (!mediaType) throw invalidRequest('The image is not a PNG, JPEG, GIF or WebP file.', param);
  return { data: bytesToBase64(bytes), mediaType };
}

async function readIterable(iterable: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of iterable) chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Reads one image input into base64 with its media type; a clear invalid_request error for anything else. */
export async function readImageInput(input: unknown, param: string): Promise<Base64Image> {
  if (typeof input === 'string') {
    const dataUrl = input.startsWith('data:') ? parseDataUrl(input) : undefined;
    if (input.startsWith('data:') && !dataUrl)
      throw invalidRequest('The data URL is not base64 encoded (expected data:<type>;base64,<data>).', param);
    const data = (dataUrl?.data ?? input).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data))
      throw invalidRequest('A string image must be base64 data or a data URL (file paths and URLs are not read).', param);
    const mediaType = sniffMediaType(base64Head(data)) ?? (dataUrl?.mediaType.startsWith('image/') ? dataUrl.mediaType : undefined);
    if (!mediaType) throw invalidRequest('The image is not a PNG, JPEG, GIF or WebP file.', param);
    return { data, mediaType };
  }
  if (input instanceof ArrayBuffer) return fromBytes(new Uint8Array(input), undefined, param);
  if (ArrayBuffer.isView(input)) return fromBytes(new Uint8Array(input.buffer, input.byteOffset, input.byteLength), undefined, param);
  if (isRecord(input) || (typeof Blob !== 'undefined' && input instanceof Blob)) {
    const value = input as Record<string | symbol, unknown>;
    if (typeof value.arrayBuffer === 'function') {
      const bytes = new Uint8Array(await (value.arrayBuffer as () => Promise<ArrayBuffer>).call(input));
      return fromBytes(bytes, typeof value.type === 'string' ? value.type : undefined, param);
    }
    if (typeof value[Symbol.asyncIterator] === 'function')
      return fromBytes(await readIterable(input as unknown as AsyncIterable<Uint8Array>), undefined, param);
  }
  throw invalidRequest(
    'An image must be a File, Blob, Response, bytes (Uint8Array / ArrayBuffer), a readable stream, base64 text or a data URL.',
    param,
  );
}
