import type AjvClass from 'ajv';
import type { ValidateFunction } from 'ajv';

/** A compiled schema, or why it could not be compiled (then answers are not checked against it). */
export type CompiledSchema = { validate: ValidateFunction } | { error: string };

export interface SchemaProblem {
  /** JSON Pointer of the offending value (`/items/0/age`), `` for the root. */
  path: string;
  message: string;
}

let ajv: AjvClass | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads ajv (~40 ms, ~1 MB of heap) the first time a call has a schema to check, not at import:
 * most calls have none. Detectors that check schemas wait for this, then compile synchronously.
 */
export function loadSchemaCompiler(): Promise<void> {
  loading ??= import('ajv').then((module) => {
    // CommonJS: Node hands over `module.exports` (the class, with a `default` of itself) as default.
    const exported = module.default as unknown as { default?: typeof AjvClass } & typeof AjvClass;
    const Ajv = typeof exported.default === 'function' ? exported.default : exported;
    // Formats need ajv-formats; without it they are ignored rather than failing every answer.
    // `addUsedSchema: false` lets two requests carry different schemas under the same `$id`.
    ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, addUsedSchema: false, logger: false });
  });
  return loading;
}

/** Whether compileSchema can run now (ajv is loaded). */
export function schemaCompilerReady(): boolean {
  return ajv !== undefined;
}

// Requests carry a fresh schema object each time, so schemas are cached by their JSON text
// (ajv's own cache is by object identity). Bounded: the oldest entry goes first.
const MAX_CACHED = 256;
const cache = new Map<string, CompiledSchema>();

/** Compiles a JSON Schema once per distinct text; `loadSchemaCompiler` must have resolved. */
export function compileSchema(schema: Record<string, unknown>): CompiledSchema {
  if (!ajv) throw new Error('zenrouter: compileSchema ran before loadSchemaCompiler() resolved');
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
  return (compiled.validate.errors ?? [])
    .slice(0, 10)
    .map((error) => ({ path: error.instancePath, message: error.message ?? error.keyword }));
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
