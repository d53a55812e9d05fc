// Dependency rules checked by `npm run lint:deps` (dependency-cruiser) in CI.
// The layers are the README's "Layout" table: imports point down only, nothing imports a face,
// and no runtime import cycle anywhere (type-only cycles are erased at build time and allowed).
/** @type {import('dependency-cruiser').IConfiguration} */
const below = {
  core: ['core'],
  providers: ['providers', 'core'],
  insurance: ['insurance', 'core'],
  policy: ['policy', 'providers', 'core'],
  pipeline: ['pipeline', 'policy', 'insurance', 'providers', 'core'],
  conversations: ['conversations', 'policy', 'core'],
  faces: ['faces', 'pipeline', 'conversations', 'core'],
};

const layerRules = Object.entries(below).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  comment: `src/${layer} may import only ${allowed.map((a) => `src/${a}`).join(', ')} (README, Layout)`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: '^src/', pathNot: `^src/(${allowed.join('|')})/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-runtime-cycle',
      comment: 'An import cycle that survives compilation (type-only imports are erased).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'nothing-imports-a-face',
      comment: 'Faces are entry points: only the client facade and the package entry wire them.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(faces/|client/|index\\.ts$)' },
      to: { path: '^src/faces/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'face-types-only-for-tools',
      comment: 'The eval harness and the CLI drive a client through its faces, so they may name face types; the library layers may not.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(faces/|client/|eval/|cli/|index\\.ts$)' },
      to: { path: '^src/faces/' },
    },
    {
      name: 'library-does-not-import-tools',
      comment: 'The CLI, dashboard, report, simulator and Node entry sit on top; the library never imports them (the client may run the eval harness: zen.evaluate, zen.watch).',
      severity: 'error',
      from: { path: '^src/(core|providers|insurance|policy|pipeline|conversations|faces|client|eval)/' },
      to: { path: '^src/(cli|dashboard|report|testing|node)/' },
    },
    {
      name: 'layers-do-not-import-eval',
      comment: 'Only the client facade (and the tools above it) use the eval harness.',
      severity: 'error',
      from: { path: '^src/(core|providers|insurance|policy|pipeline|faces)/' },
      to: { path: '^src/eval/' },
    },
    ...layerRules,
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
