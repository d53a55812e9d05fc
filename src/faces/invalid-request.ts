import { ZenError } from '../core/errors.js';
import type { CallWarning } from '../core/result.js';

/** The error every face raises for bad input: kind `invalid_request`, the offending param named in the message and `code`. */
export function invalidRequest(message: string, param?: string): ZenError {
  return new ZenError({
    kind: 'invalid_request',
    message: param ? `${message} (param: ${param})` : message,
    retryable: false,
    code: param,
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A warning for a field a face accepts but does not forward. */
export function ignoredSetting(setting: string, why: string): CallWarning {
  return { type: 'unsupported-setting', setting, message: `${setting} ${why}` };
}

/** Parses a tool call's JSON arguments into an object; undefined when they are not a JSON object. */
export function parseArgumentsObject(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
