/**
 * Checks the README's TypeScript blocks: each is typechecked against the package's source, and
 * those not marked `typecheck` run against the protocol simulator (see blocks.ts for the markers).
 *
 *   npx tsx scripts/readme/check.ts            # README.md
 *   npx tsx scripts/readme/check.ts OTHER.md --verbose   # also what each block printed
 *
 * A block becomes a module: its imports stay module imports, the rest is the body of an exported
 * `run()` (so that blocks may reuse names and `export` declarations need no other module), and
 * what it uses without defining comes from prelude.ts.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { readmeBlocks, type ReadmeBlock } from './blocks.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const preludeFile = join(root, 'scripts/readme/prelude.ts');
const runnerFile = join(root, 'scripts/readme/run-blocks.ts');

export interface BlockModule {
  block: ReadmeBlock;
  file: string;
  /** README line of each generated line (0-based), where there is one. */
  lineMap: Array<number | undefined>;
}

export interface ReadmeProblem {
  /** README line, when the problem is inside a block. */
  line?: number;
  message: string;
}

/** Names the prelude exports. */
export function preludeNames(): string[] {
  const source = ts.createSourceFile(preludeFile, readFileSync(preludeFile, 'utf8'), ts.ScriptTarget.ES2022);
  const names: string[] = [];
  for (const statement of source.statements) {
    const exported =
      ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isVariableStatement(statement) && exported) {
      for (const declaration of statement.declarationList.declarations)
        if (ts.isIdentifier(declaration.name)) names.push(declaration.name.text);
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause) &&
      !statement.isTypeOnly
    ) {
      for (const element of statement.exportClause.elements) names.push(element.name.text);
    }
  }
  return names;
}

/** Spaces for everything but line breaks: removes code and keeps every line where it was. */
function blank(text: string): string {
  return text.replace(/[^\n]/g, ' ');
}

/** The module text for one block, and where its lines came from. */
export function blockModule(
  block: ReadmeBlock,
  prelude: readonly string[],
  preludeSpecifier: string,
): { text: string; lineMap: Array<number | undefined> } {
  const source = ts.createSourceFile('block.ts', block.code, ts.ScriptTarget.ES2022, true);
  let body = block.code;
  const imports: Array<{ text: string; line: number }> = [];
  const imported = new Set<string>();
  // Edits from the end, so earlier offsets stay valid.
  for (const statement of [...source.statements].reverse()) {
    const start = statement.getStart(source);
    if (ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement)) {
      const text = statement.getText(source);
      imports.unshift({ text, line: block.line + source.getLineAndCharacterOfPosition(start).line });
      body = body.slice(0, start) + blank(text) + body.slice(statement.end);
      const clause = ts.isImportDeclaration(statement) ? statement.importClause : undefined;
      if (clause?.name) imported.add(clause.name.text);
      if (clause?.namedBindings && ts.isNamedImports(clause.namedBindings))
        for (const element of clause.namedBindings.elements) imported.add(element.name.text);
      if (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings)) imported.add(clause.namedBindings.name.text);
      if (ts.isImportEqualsDeclaration(statement)) imported.add(statement.name.text);
      continue;
    }
    const exportKeyword = ts.canHaveModifiers(statement)
      ? ts.getModifiers(statement)?.find((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)
      : undefined;
    if (exportKeyword) body = body.slice(0, exportKeyword.getStart(source)) + blank('export') + body.slice(exportKeyword.end);
  }
  const fromPrelude = prelude.filter((name) => !imported.has(name));
  const lines = [
    `import { ${fromPrelude.join(', ')} } from '${preludeSpecifier}'; export async function run(): Promise<void> {`,
    ...body.split('\n'),
    '}',
    ...imports.map((entry) => entry.text),
  ];
  const lineMap: Array<number | undefined> = [undefined, ...body.split('\n').map((_, index) => block.line + index), undefined];
  for (const entry of imports) for (const [index] of entry.text.split('\n').entries()) lineMap.push(entry.line + index);
  // void the prelude names a block does not use, so that no unused-import setting complains.
  return { text: `${lines.join('\n')}\nvoid [${fromPrelude.join(', ')}];\n`, lineMap };
}

/** Writes each block as a module into `dir`. */
export function writeBlockModules(blocks: readonly ReadmeBlock[], dir: string): BlockModule[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const prelude = preludeNames();
  const specifier = relative(dir, preludeFile).replace(/\\/g, '/').replace(/\.ts$/, '.js');
  return blocks.map((block) => {
    const file = join(dir, `readme-line-${String(block.line).padStart(4, '0')}.ts`);
    const { text, lineMap } = blockModule(block, prelude, specifier.startsWith('.') ? specifier : `./${specifier}`);
    writeFileSync(file, text);
    return { block, file, lineMap };
  });
}

/**
 * Type errors in the blocks (and the prelude), as README lines. The repository's compiler options,
 * with `noUncheckedIndexedAccess` off as in most apps (`completion.choices[0].message` is how users
 * write it). Errors inside the package's own source are `tsc -p .`'s to report, not the README's
 * (with other SDK majors installed, as on the Node 22 run, they are not this check's subject).
 */
export function typecheckBlocks(modules: readonly BlockModule[]): ReadmeProblem[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (!config) throw new Error('tsconfig.json could not be read');
  const options: ts.CompilerOptions = { ...config.options, noUncheckedIndexedAccess: false, noEmit: true, incremental: false };
  const program = ts.createProgram({ rootNames: modules.map((module) => module.file), options });
  const byFile = new Map(modules.map((module) => [resolve(module.file), module]));
  const ours = (diagnostic: ts.Diagnostic) =>
    !diagnostic.file || byFile.has(resolve(diagnostic.file.fileName)) || resolve(diagnostic.file.fileName) === preludeFile;
  return ts
    .getPreEmitDiagnostics(program)
    .filter(ours)
    .map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      if (!diagnostic.file || diagnostic.start === undefined) return { message };
      const at = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      const module = byFile.get(resolve(diagnostic.file.fileName));
      const line = module?.lineMap[at.line];
      return line !== undefined ? { line, message } : { message: `${relative(root, diagnostic.file.fileName)}:${at.line + 1}: ${message}` };
    });
}

export interface RunResult {
  line: number;
  ok: boolean;
  error?: string;
  output: string;
}

/** Runs the `run` blocks in one process, in order, each against a freshly reset simulator. */
export async function runBlocks(modules: readonly BlockModule[]): Promise<RunResult[]> {
  const runnable = modules.filter((module) => module.block.mode === 'run');
  if (runnable.length === 0) return [];
  const cwd = mkdtempSync(join(tmpdir(), 'zenrouter-readme-')); // blocks may write files (a ledger)
  // Blocks read the repository's sample data as a user in a clone would (data/hle-sample.jsonl).
  cpSync(join(root, 'data'), join(cwd, 'data'), { recursive: true });
  try {
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (/_API_KEY$|_BASE_URL$|^GOOGLE_CLOUD_/.test(key)) delete env[key];
    const tsx = join(root, 'node_modules/.bin/tsx');
    const { stdout } = await promisify(execFile)(
      tsx,
      ['--tsconfig', join(root, 'tsconfig.json'), runnerFile, ...runnable.map((module) => module.file)],
      {
        cwd,
        env,
        timeout: 240_000,
        maxBuffer: 20 * 1024 * 1024,
      },
    );
    const results = JSON.parse(stdout.slice(stdout.lastIndexOf('\n{"results"') + 1)) as {
      results: Array<{ file: string; ok: boolean; error?: string; output: string }>;
    };
    return results.results.map((result) => ({
      line: runnable.find((module) => module.file === result.file)!.block.line,
      ok: result.ok,
      ...(result.error ? { error: result.error } : {}),
      output: result.output,
    }));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const readme = resolve(args.find((arg) => !arg.startsWith('--')) ?? join(root, 'README.md'));
  const blocks = readmeBlocks(readFileSync(readme, 'utf8'));
  const modules = writeBlockModules(blocks, join(root, '.tmp/readme'));
  console.log(
    `${blocks.length} blocks: ${blocks.filter((block) => block.mode === 'run').length} run, ${blocks.filter((block) => block.mode === 'typecheck').length} typecheck only`,
  );
  const problems = typecheckBlocks(modules);
  for (const problem of problems)
    console.log(`${problem.line !== undefined ? `${relative(process.cwd(), readme)}:${problem.line}` : 'prelude'}: ${problem.message}`);
  const results = await runBlocks(modules);
  for (const result of results) {
    console.log(`${relative(process.cwd(), readme)}:${result.line}: ${result.ok ? 'ran' : `FAILED: ${result.error}`}`);
    if (verbose || !result.ok) console.log(result.output.replace(/^/gm, '    '));
  }
  if (problems.length > 0 || results.some((result) => !result.ok)) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
