/**
 * The architecture of src/, as rules `npm run lint` checks: the source of truth
 * for docs/architecture.md (whose picture `npm run docs:architecture` draws from
 * what these rules allow and the code really imports).
 *
 * Dependencies point one way: routes → bot → domain → db | storage | fal, with
 * the small shared folders (http/, runtime/) at the bottom. The entry points and
 * the wiring (app.ts, server.ts, deps.ts) may import anything; config.ts, the one
 * reader of the environment, may be imported by anything and imports nothing of ours.
 */

/** Each folder of src/ and the folders it may import (besides itself and config.ts). */
const LAYERS = {
  routes: ['bot', 'domain', 'db', 'fal', 'storage', 'http', 'runtime'],
  bot: ['domain', 'db', 'fal', 'storage', 'runtime'],
  domain: ['db', 'fal', 'faces', 'storage', 'runtime'],
  db: ['runtime'],
  fal: ['runtime'],
  // The face models, run in a worker thread.
  faces: ['runtime'],
  storage: ['runtime'],
  http: [],
  runtime: [],
  // Command-line tools: one process each, beside the service.
  cli: ['bot', 'domain', 'db', 'runtime'],
  // Development tools speak HTTP to the app like Telegram and FAL do; the page reads the bot's texts.
  local: ['bot'],
};

const folder = (name) => `^src/${name}/`;

const layerRules = Object.entries(LAYERS).map(([from, allowed]) => ({
  name: `layer-${from}`,
  comment: `src/${from}/ may import only ${allowed.length ? allowed.map((a) => `${a}/`).join(', ') : 'itself'} (and config.ts)`,
  severity: 'error',
  from: { path: folder(from) },
  to: { path: '^src/', pathNot: [folder(from), '^src/config\\.ts$', ...allowed.map(folder)] },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'wiring-on-top',
      comment: 'app.ts, server.ts and deps.ts wire the ports together: nothing below imports them',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(app|server|deps)\\.ts$' },
      to: { path: '^src/(app|server|deps)\\.ts$' },
    },
    {
      name: 'config-is-a-leaf',
      comment: 'config.ts reads the environment and imports nothing of ours, so any layer may read it',
      severity: 'error',
      from: { path: '^src/config\\.ts$' },
      to: { path: '^src/' },
    },
    {
      name: 'local-only-from-app',
      comment: 'src/local/ (playground, FAL simulator) is loaded by app.ts alone, and only without a bot token or FAL key',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(app\\.ts|local/)' },
      to: { path: '^src/local/' },
    },
    {
      name: 'no-transport-below-bot',
      comment:
        'the domain and the adapters know nothing of HTTP servers or Telegram: Fastify and telegraf stay in routes/, bot/, http/, local/ and the wiring',
      severity: 'error',
      from: { path: '^src/(domain|db|fal|faces|storage|runtime)/' },
      to: { path: 'node_modules/(fastify|@fastify/[^/]+|fastify-plugin|telegraf)/' },
    },
    {
      name: 'tables-only-from-domain',
      comment: 'only domain/ touches tables: bot/, routes/ and cli/ call domain functions, never the schema or drizzle',
      severity: 'error',
      from: { path: '^src/(bot|routes|cli|http|runtime|local)/' },
      to: { path: ['^src/db/schema\\.ts$', 'node_modules/drizzle-orm/'] },
    },
    {
      name: 'no-circular',
      comment: 'a cycle ties modules into one: split the shared part out (as bot/refuse.ts was)',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      comment: 'a module nothing imports and that imports nothing is dead',
      severity: 'error',
      from: { orphan: true, pathNot: ['\\.d\\.ts$', '(^|/)\\.[^/]+\\.(c|m)?js$', '\\.config\\.ts$'] },
      to: {},
    },
    {
      name: 'src-not-to-tests',
      comment: 'the service never loads test or bench code',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'not-to-dev-dep',
      comment: 'the image installs dependencies only: src/ must not need a devDependency at run time',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'], pathNot: ['node_modules/@types/'] },
    },
    {
      name: 'no-non-package-json',
      comment: 'a package used but not in package.json works only by accident of hoisting',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that resolves to nothing',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-deprecated-core',
      comment: 'a deprecated Node.js core module',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['core'], path: '^(punycode|domain|constants|sys|_linklist|_stream_wrap)$' },
    },
  ],
  options: {
    // ESM only: a function of ours named require (config.ts) is not CommonJS.
    moduleSystems: ['es6'],
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      mermaid: { minify: false },
    },
  },
};
