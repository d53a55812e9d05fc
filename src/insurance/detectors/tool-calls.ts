import type { EventDraft, Detector } from '../detector.js';
import { compileSchema, loadSchemaCompiler, parseJson, schemaCompilerReady, schemaProblems } from './json-schema.js';

/** A tool that was not offered, or arguments that are not JSON or violate the tool's schema. */
export const toolCallsDetector: Detector = {
  name: 'tool-calls',
  scope: 'answer',
  inspectResult(context) {
    if (context.output === 'image') return;
    const calls = context.result.content.filter((part) => part.type === 'tool-call');
    if (calls.length === 0) return;
    // The first schema to check loads ajv, then this runs again.
    if (!schemaCompilerReady()) return loadSchemaCompiler().then(() => toolCallsDetector.inspectResult!(context));
    const offered = new Map((context.request.tools ?? []).map((tool) => [tool.name, tool]));
    const events: EventDraft[] = [];
    for (const call of calls) {
      const tool = offered.get(call.name);
      if (!tool) {
        events.push({
          kind: 'unknown_tool',
          severity: 1,
          message: `The model called "${call.name}", a tool that was not offered${offered.size > 0 ? ` (offered: ${[...offered.keys()].join(', ')})` : ' (no tools were offered)'}.`,
          detail: { tool: call.name, offered: [...offered.keys()] },
        });
        continue;
      }
      // Some vendors send no arguments for a tool without parameters.
      const parsed = parseJson(call.arguments.trim() === '' ? '{}' : call.arguments);
      if (!parsed.ok) {
        events.push({
          kind: 'invalid_tool_arguments',
          severity: 1,
          message: `The arguments of "${call.name}" are not valid JSON.`,
          detail: { tool: call.name, parseError: parsed.error },
          evidence: call.arguments.slice(0, 500),
        });
        continue;
      }
      const compiled = compileSchema(tool.parameters);
      if ('error' in compiled) continue;
      const problems = schemaProblems(compiled, parsed.value);
      if (problems.length === 0) continue;
      events.push({
        kind: 'invalid_tool_arguments',
        severity: 0.9,
        message: `The arguments of "${call.name}" violate its schema: ${problems.map((problem) => `${problem.path || '/'} ${problem.message}`).join('; ')}.`,
        detail: { tool: call.name, problems },
        evidence: call.arguments.slice(0, 500),
      });
    }
    return events;
  },
};
