import { defineConfig } from 'tsup'

// The package: the DSL/runtime API (with type declarations) and the CLI bundle bin/colloquy.js loads
// when installed outside this repository.
export default defineConfig({
  entry: { index: 'runtime/index.ts', cli: 'generator/cli.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  // tsup sets baseUrl for declaration builds, which TypeScript 6 deprecates.
  dts: { entry: { index: 'runtime/index.ts' }, compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  external: ['better-sqlite3', 'ts-morph', 'tsx', 'zod', 'rxjs', 'ts-pattern'],
})
