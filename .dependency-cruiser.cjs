/**
 * The circle and layer check (`npm run check:deps`): no import circles, type-only imports included, and
 * the layer rules of the design: runtime/protocol is pure, the engine sees the store and network ports
 * only, the generator reads runtime/protocol only.
 */
const native = 'node_modules/(better-sqlite3|ts-morph|tsx|typescript|@ts-morph)/'

module.exports = {
  forbidden: [
    {
      name: 'transport-nats-is-a-transport',
      severity: 'error',
      comment:
        'runtime/transport-nats (the NATS JetStream network) builds on the network port and on the identity, map and codecs of runtime/transport; it imports no engine, store or process code.',
      from: { path: '^runtime/transport-nats/' },
      to: { path: ['^runtime/(engine|store|process)/', 'node_modules/better-sqlite3/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules must not import each other, directly or through others (type-only imports count).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'protocol-is-self-contained',
      severity: 'error',
      comment: 'runtime/protocol (the colloquy/protocol entry) imports nothing else of runtime/ and nothing of generator/.',
      from: { path: '^runtime/protocol/' },
      to: { path: ['^runtime/(?!protocol/)', '^generator/'] },
    },
    {
      name: 'protocol-loads-no-native-or-tooling',
      severity: 'error',
      comment: 'runtime/protocol must load no native module and no compiler tooling: protocol files and generated code import it.',
      from: { path: '^runtime/protocol/' },
      to: { path: native },
    },
    {
      name: 'engine-uses-ports',
      severity: 'error',
      comment: 'The engine depends on the store and network ports, never on SQLite, PostgreSQL, TCP or NATS directly.',
      from: { path: '^runtime/engine/' },
      to: {
        path: [
          '^runtime/store/(sqlite|postgres)',
          '^runtime/transport/',
          '^runtime/transport-nats/',
          '^runtime/process/',
          'node_modules/(better-sqlite3|nats|pg)/',
          '^net$',
          '^node:net$',
        ],
      },
    },
    {
      name: 'workers-beside-the-engine',
      severity: 'error',
      comment:
        'runtime/workers (leases, fencing, takeover and forwarding between worker processes of one node on PostgreSQL) implements the engine ownership port: it imports the engine only through runtime/engine/flow-ownership.ts, and no transport, process or RPC code.',
      from: { path: '^runtime/workers/' },
      to: { path: ['^runtime/engine/(?!flow-ownership\\.ts$)', '^runtime/(transport|transport-nats|process|rpc)/'] },
    },
    {
      name: 'network-port-is-abstract',
      severity: 'error',
      comment: 'runtime/network (the network port and the in-memory network) imports no transport, store or engine.',
      from: { path: '^runtime/network/' },
      to: { path: ['^runtime/(transport|transport-nats|store|engine|process)/', 'node_modules/(better-sqlite3|nats)/', '^net$', '^node:net$'] },
    },
    {
      name: 'codec-is-pure',
      severity: 'error',
      comment: 'runtime/codec (tagged JSON, escaped log text; used by transport, store, engine, process) imports nothing else of runtime/ and no package.',
      from: { path: '^runtime/codec/' },
      to: { path: ['^runtime/(?!codec/)', 'node_modules/'] },
    },
    {
      name: 'generator-reads-protocol-only',
      severity: 'error',
      comment: 'generator/ imports runtime/ only through runtime/protocol.',
      from: { path: '^generator/' },
      to: { path: '^runtime/(?!protocol/)' },
    },
    {
      name: 'generated-reads-protocol-only',
      severity: 'error',
      comment: 'Generated modules import runtime/ only through runtime/protocol (the colloquy/protocol entry).',
      from: { path: '^generated/' },
      to: { path: '^runtime/(?!protocol/)' },
    },
    {
      name: 'operability-on-node-api',
      severity: 'error',
      comment:
        'rpc, hospital, progress and explorer sit on the engine public node API (runtime/engine/index.ts), not on its internals or the store; rpc also reads kept-outcome.ts, the one mapping of errors to data and back.',
      from: { path: '^runtime/(rpc|hospital|progress|explorer)/' },
      to: { path: ['^runtime/engine/(?!index\\.ts$|kept-outcome\\.ts$)', '^runtime/store/'] },
    },
    {
      name: 'engine-knows-no-rpc',
      severity: 'error',
      comment: 'The engine, the store, the transport and the protocol layer do not import the RPC layer; it sits on top of them.',
      from: { path: '^runtime/(engine|store|transport|network|protocol|codec)/' },
      to: { path: '^runtime/rpc/' },
    },
    {
      name: 'rpc-client-is-light',
      severity: 'error',
      comment: 'The typed client (colloquy/client) loads no server code, no node process, no store and no native module.',
      from: { path: '^runtime/rpc/client/' },
      to: {
        path: [
          '^runtime/rpc/(rpc-server|rpc-connection|rpc-operations|login-throttle|password-hash|rpc-config)\\.ts$',
          '^runtime/(process|transport|store)/',
          native,
          'node_modules/better-sqlite3/',
        ],
      },
    },
    {
      name: 'explorer-page-speaks-http-only',
      severity: 'error',
      comment:
        'The Explorer page (explorer/src) runs in the browser and reaches the node only through the Explorer server over HTTP: it imports no runtime, generator or test code.',
      from: { path: '^explorer/src/' },
      to: { path: '^(runtime|generator|generated|test)/' },
    },
    {
      name: 'source-does-not-import-tests',
      severity: 'error',
      comment: 'Shipped code does not import test code.',
      from: { path: '^(runtime|generator|generated|protocols)/' },
      to: { path: '^test/' },
    },
    {
      name: 'declared-packages-only',
      severity: 'error',
      comment: 'Every package imported is declared in package.json.',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'shipped-code-uses-no-dev-dependency',
      severity: 'error',
      comment: 'What the package ships (runtime/, generator/, bin/) runs with dependencies and peers only, not devDependencies.',
      from: { path: '^(runtime|generator|bin)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['npm-peer', 'type-only'] },
    },
    {
      name: 'resolvable',
      severity: 'error',
      comment: 'Every import resolves.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^bench/work/', '^node_modules/', '^test/.*fixtures/'] },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
}
