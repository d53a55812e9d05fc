import type { JsonSchema } from '../core/request.js';
import { isRecord } from './invalid-request.js';

/** Gemini's OpenAPI-subset counts travel as strings (`minItems: "1"`); JSON Schema wants numbers. */
const COUNT_KEYS = new Set(['minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties']);

/** Gemini-only keys with no JSON Schema meaning; strict validators (OpenAI strict mode) reject unknown keys. */
const DROPPED_KEYS = new Set(['propertyOrdering', 'nullable', 'example']);

function lowerType(type: unknown): unknown {
  if (typeof type === 'string') return type === 'TYPE_UNSPECIFIED' ? undefined : type.toLowerCase();
  if (Array.isArray(type)) return type.map((entry) => (typeof entry === 'string' ? entry.toLowerCase() : entry));
  return type;
}

/**
 * A Gemini `Schema` (`{type: 'OBJECT', properties, nullable, minItems: '1'}`) → JSON Schema, so
 * that every vendor reads it. Plain JSON Schema passes through unchanged (lower-casing is idempotent).
 */
export function geminiSchemaToJsonSchema(schema: unknown): JsonSchema {
  if (!isRecord(schema)) return {};
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYS.has(key) || value === undefined) continue;
    if (key === 'type') {
      const type = lowerType(value);
      if (type !== undefined) out.type = type;
    } else if (key === 'properties' && isRecord(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, geminiSchemaToJsonSchema(child)]));
    } else if ((key === 'items' || key === 'additionalProperties') && isRecord(value)) {
      out[key] = geminiSchemaToJsonSchema(value);
    } else if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf' || key === 'prefixItems') && Array.isArray(value)) {
      out[key] = value.map(geminiSchemaToJsonSchema);
    } else if (COUNT_KEYS.has(key) && typeof value === 'string' && /^\d+$/.test(value)) {
      out[key] = Number(value);
    } else {
      out[key] = value;
    }
  }
  if (schema.example !== undefined) out.examples = [schema.example];
  if (schema.nullable === true) {
    // OpenAPI's `nullable` → JSON Schema's null type.
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
    else if (Array.isArray(out.anyOf)) out.anyOf = [...out.anyOf, { type: 'null' }];
  }
  return out;
}
