#!/usr/bin/env node
// The `colloquy` command: its first argument picks one of two command lines, and only that one is loaded.
// `node`, `identity`, `flows`, `flow` and `rpc-user` run the runtime's (runtime/process/cli.ts), which never loads the code
// generator, ts-morph or typescript; everything else goes to the code generator's (generator/cli/main.ts),
// which registers the TypeScript loader because protocol files are TypeScript. Inside the colloquy
// repository both run from source (so the loader is registered for either); installed as a package, from
// the built bundles in dist/, where the runtime's command line registers tsx only for an app written in
// TypeScript.
import { existsSync } from 'node:fs'

const argv = process.argv.slice(2)
const forNode = ['node', 'identity', 'flows', 'flow', 'rpc-user'].includes(argv[0])
const fromSource = existsSync(new URL('../runtime/process/cli.ts', import.meta.url))
const entries = fromSource
  ? { node: '../runtime/process/cli.ts', codegen: '../generator/cli/main.ts' }
  : { node: '../dist/node-cli.js', codegen: '../dist/cli.js' }
const entry = forNode ? entries.node : entries.codegen
if (fromSource || !forNode) {
  const { register } = await import('tsx/esm/api')
  register()
}
const { main } = await import(new URL(entry, import.meta.url).href)
process.exitCode = await main(argv)
