import { answerText, type Detector } from '../detector.js';
import { compileSchema, loadSchemaCompiler, parseJson, schemaCompilerReady, schemaProblems } from './json-schema.js';

/** Invalid JSON when JSON was asked for, or JSON that violates the requested schema (ajv). */
export const structuredOutputDetector: Detector = {
  name: 'structured-output',
  scope: 'answer',
  inspectResult(context) {
    const format = context.request.responseFormat;
    if (context.output === 'image' || !format || format.type === 'text') return;
    const { result } = context;
    const text = answerText(result);
    // A tool call instead of text is the model's right when tools were offered.
    if (text.trim() === '' && result.content.some((part) => part.type === 'tool-call')) return;
    // An empty answer is reported by the empty detector, a refusal by the refusal detector.
    if (text.trim() === '' || result.finishReason.unified === 'content-filter') return;
    const parsed = parseJson(text);
    if (!parsed.ok) {
      return [
        {
          kind: 'invalid_json',
          severity: 1,
          message: `JSON was requested and the answer is not JSON${result.finishReason.unified === 'length' ? ' (it was cut at the length limit)' : ''}.`,
          detail: { parseError: parsed.error, chars: text.length, finishReason: result.finishReason.unified },
          evidence: text.slice(0, 500),
        },
      ];
    }
    if (format.type !== 'json-schema') return;
    // The first schema to check loads ajv, then this runs again.
    if (!schemaCompilerReady()) return loadSchemaCompiler().then(() => structuredOutputDetector.inspectResult!(context));
    const compiled = compileSchema(format.schema);
    if ('error' in compiled) return;
    const problems = schemaProblems(compiled, parsed.value);
    if (problems.length === 0) return;
    return [
      {
        kind: 'schema_violation',
        severity: 0.9,
        message: `The JSON answer violates the schema "${format.name}": ${problems.map((problem) => `${problem.path || '/'} ${problem.message}`).join('; ')}.`,
        detail: { schema: format.name, problems },
        evidence: text.slice(0, 500),
      },
    ];
  },
};
