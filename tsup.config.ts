import { defineConfig } from 'tsup'

// The package: one bundle per public entry (package.json `exports`), with type declarations, and the
// command-line bundles bin/colloquy.js loads when installed outside this repository. Shared code is
// split into chunks, so an entry loads only what it reaches: `colloquy/protocol` loads no native
// module and no generator code.
export const libraries = {
  index: 'runtime/index.ts',
  protocol: 'runtime/protocol/index.ts',
  testing: 'runtime/testing/index.ts',
  client: 'runtime/rpc/client/index.ts',
}

/**
 * The command lines bin/colloquy.js dispatches to: the code generator's and the runtime's (node, identity,
 * flows), and the no-op `check` it tries first (plain JavaScript on node: built-ins).
 */
const commands = {
  cli: 'generator/cli/main.ts',
  'node-cli': 'runtime/process/cli.ts',
  'no-op-check': 'generator/cli/no-op-check.js',
  // The child process protocol files run in, and what starts it (bin/colloquy.js starts one early).
  'loader-child': 'generator/isolation/loader-child.ts',
  'loader-process': 'generator/isolation/loader-process.js',
}

export default defineConfig({
  entry: { ...libraries, ...commands },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  splitting: true,
  // Declaration builds read tsconfig.json, whose ignoreDeprecations silences TypeScript 6 about the
  // baseUrl tsup sets for them.
  dts: { entry: libraries },
  sourcemap: true,
  clean: true,
  external: ['better-sqlite3', 'tsx', 'zod', 'rxjs', 'ts-pattern', 'ws'],
})
