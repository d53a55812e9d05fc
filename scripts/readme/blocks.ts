/**
 * The README's TypeScript code blocks, and what the checker does with each (see the README's
 * Development section). A block is checked as `run` unless an HTML comment on the line before its
 * fence says otherwise:
 *
 *   <!-- readme-check: typecheck (needs Redis) -->      typechecked, not run (a real cloud, Redis, ...)
 *   <!-- readme-check: run -->                          typechecked and run against the simulator (the default)
 *
 * `ts` and `typescript` blocks are checked; other languages (sh, json, ...) are not.
 */
export type BlockMode = 'run' | 'typecheck';

export interface ReadmeBlock {
  /** 1-based README line of the block's first code line (the line after the fence). */
  line: number;
  mode: BlockMode;
  /** Why it is not run, as the marker says. */
  reason?: string;
  code: string;
}

const CHECKED_LANGUAGES = new Set(['ts', 'typescript']);
const MARKER = /^<!--\s*readme-check:\s*(.*?)\s*-->$/;
const MARKER_BODY = /^(run|typecheck)(?:\s*\((.+)\))?$/;

export class ReadmeMarkerError extends Error {}

/** Every checked block of a Markdown text, in order. Throws on a marker it does not understand. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[index]!);
    if (!open) {
      if (MARKER.test(lines[index]!.trim()) && !/^\s*(`{3,}|~{3,})/.test(lines[index + 1] ?? '')) {
        throw new ReadmeMarkerError(`README line ${index + 1}: a readme-check marker must be on the line right before a code fence.`);
      }
      continue;
    }
    const [, indent, fence, language] = open;
    const start = index + 1;
    let end = start;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence!)) end++;
    if (end >= lines.length) throw new ReadmeMarkerError(`README line ${index + 1}: the code fence is never closed.`);
    const markerText = MARKER.exec(lines[index - 1]?.trim() ?? '')?.[1];
    index = end;
    if (!CHECKED_LANGUAGES.has(language!.toLowerCase())) {
      if (markerText !== undefined)
        throw new ReadmeMarkerError(
          `README line ${start}: a readme-check marker on a ${language || 'plain'} block; only ts blocks are checked.`,
        );
      continue;
    }
    let mode: BlockMode = 'run';
    let reason: string | undefined;
    if (markerText !== undefined) {
      const parsed = MARKER_BODY.exec(markerText);
      if (!parsed)
        throw new ReadmeMarkerError(
          `README line ${start - 1}: unknown readme-check marker "${markerText}"; use "run" or "typecheck (why it cannot run)".`,
        );
      mode = parsed[1] as BlockMode;
      reason = parsed[2];
      if (mode === 'typecheck' && !reason)
        throw new ReadmeMarkerError(
          `README line ${start - 1}: say why the block cannot run: <!-- readme-check: typecheck (needs Redis) -->.`,
        );
    }
    const code = lines
      .slice(start, end)
      .map((line) => (indent && line.startsWith(indent) ? line.slice(indent.length) : line))
      .join('\n');
    blocks.push({ line: start + 1, mode, ...(reason ? { reason } : {}), code });
  }
  return blocks;
}
