/**
 * Import rules of STYLE.md ("Which way imports go"), checked on real imports in `pnpm lint`.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const pkg = (name) => `^packages/${name}/`;
const importsOf = (from, allowed) => ({
  name: `${from}-imports`,
  comment: `packages/${from} may import only: ${allowed.join(', ') || 'nothing internal'}`,
  severity: 'error',
  from: { path: pkg(from) },
  to: {
    path: '^(packages|services)/',
    pathNot: [pkg(from), ...allowed.map(pkg)],
  },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    importsOf('activity', []),
    importsOf('config', []),
    importsOf('logging', []),
    importsOf('lifecycle', ['logging']),
    ...['github', 'store', 'queues', 'leader', 'telemetry'].map((p) =>
      importsOf(p, ['activity', 'logging']),
    ),
    importsOf('scrape', ['activity', 'logging', 'github', 'store', 'queues']),
    {
      name: 'services-are-independent',
      comment: 'services never import each other, nor the simulator or test fixtures',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/' },
      to: {
        path: ['^services/', '^packages/(github-sim|testing)/'],
        pathNot: ['^services/$1/'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.base.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      conditionNames: ['@gse/source', 'import', 'types', 'default'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
