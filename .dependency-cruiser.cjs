/**
 * Import rules of STYLE.md ("Which way imports go"), checked on real imports in `pnpm lint`.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const pkg = (name) => `^packages/${name}/`;
// Tests and benchmarks may use the fixtures and the simulator; production code may not.
const TEST_FILES = ['[.]test[.]ts$', '^(packages|services)/[^/]+/(test|bench)/'];
const importsOf = (from, allowed) => ({
  name: `${from}-imports`,
  comment: `packages/${from} may import only: ${allowed.join(', ') || 'nothing internal'}`,
  severity: 'error',
  from: { path: pkg(from), pathNot: TEST_FILES },
  to: {
    path: '^(packages|services)/',
    pathNot: [pkg(from), ...allowed.map(pkg)],
  },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    importsOf('activity', []),
    importsOf('config', ['activity']),
    importsOf('logging', []),
    // Spans and trace carriers on the OpenTelemetry API: any package may open a span.
    importsOf('tracing', []),
    importsOf('lifecycle', ['logging', 'tracing']),
    ...['github', 'store', 'queues', 'leader', 'telemetry'].map((p) =>
      importsOf(p, ['activity', 'logging', 'tracing']),
    ),
    importsOf('scrape', ['activity', 'logging', 'tracing', 'github', 'store', 'queues']),
    // The status page reads what the others store: their types and readers, no wiring.
    importsOf('status', [
      'activity',
      'logging',
      'tracing',
      'github',
      'store',
      'queues',
      'telemetry',
    ]),
    // The services' shared wiring: every library below it, and nothing imports it but services.
    importsOf('fleet-adapters', [
      'activity',
      'config',
      'copilot',
      'github',
      'lifecycle',
      'logging',
      'queues',
      'scrape',
      'store',
      'telemetry',
      'tracing',
    ]),
    importsOf('github-sim', ['activity']),
    importsOf('testing', ['logging', 'lifecycle']),
    {
      name: 'fleet-adapters-only-for-services',
      comment: 'fleet-adapters wires packages for the services; no package depends on it',
      severity: 'error',
      from: { path: '^packages/', pathNot: ['^packages/fleet-adapters/', ...TEST_FILES] },
      to: { path: '^packages/fleet-adapters/' },
    },
    importsOf('copilot', [
      'activity',
      'logging',
      'tracing',
      'github',
      'store',
      'queues',
      'telemetry',
    ]),
    {
      name: 'test-code-stays-in-tests',
      comment: 'only tests (and tools/) use the simulator and the test fixtures',
      severity: 'error',
      from: {
        path: '^(packages|services)/',
        pathNot: [...TEST_FILES, '^packages/(github-sim|testing)/'],
      },
      to: { path: '^packages/(github-sim|testing)/' },
    },
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
