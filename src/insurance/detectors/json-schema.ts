import Ajv, { type ValidateFunction } from 'ajv';

/** A compiled schema, or why it could not be compiled (then answers are not checked against it). */
export type CompiledSchema = { validate: ValidateFunction } | { error: string };

export interface SchemaProblem {
  /** JSON Pointer of the offending value (`/items/0/age`), `` for the root. */
  path: string;
  message: string;
}

// Formats need ajv-formats; without it they are ignored rather than failing every answer.
// `addUsedSchema: false` lets two requests carry different schemas under the same `$id`.
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, addUsedSchema: false, logger: false });

// Requests carry a fresh schema object each time, so schemas are cached by their JSON text
// (ajv's own cache is by object identity). Bounded: the oldest entry goes first.
const MAX_CACHED = 256;
const cache = new Map<string, CompiledSchema>();

/** Compiles a JSON Schema once per distinct text. */
export function compileSchema(schema: Record<string, unknown>): CompiledSchema {
  const key = JSON.stringify(schema);
  const cached = cache.get(key);
  if (cached) return cached;
  let compiled: CompiledSchema;
  try {
    // The draft is declared by providers' schemas inconsistently; ajv's default draft reads them all alike.
    const { $schema: _declared, ...body } = schema;
    compiled = { validate: ajv.compile(body) };
  } catch (error) {
    compiled = { error: error instanceof Error ? error.message : String(error) };
  }
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(key, compiled);
  return compiled;
}

/** Problems of a value against a compiled schema (empty when it conforms); at most 10, no values quoted. */
export function schemaProblems(compiled: { validate: ValidateFunction }, value: unknown): SchemaProblem[] {
  if (compiled.validate(value)) return [];
  return (compiled.validate.errors ?? []).slice(0, 10).map((error) => ({ path: error.instancePath, message: error.message ?? error.keyword }));
}

/**
 * Parses JSON text; `ok: false` when it is not JSON. The error names the position only: the
 * engine's own message quotes the text, which the ledger must not keep.
 */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    const problem = text.trim() === '' ? 'empty text' : position !== undefined ? `invalid JSON at position ${position}` : 'invalid JSON';
    return { ok: false, error: problem };
  }
}
