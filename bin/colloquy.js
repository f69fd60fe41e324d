#!/usr/bin/env node
// The `colloquy` command: its first argument picks one of two command lines, and only that one is loaded.
// `node`, `identity`, `flows`, `flow`, `hospital`, `rpc-user` and `explorer` run the runtime's (runtime/process/cli.ts), which never loads the code
// generator, ts-morph or typescript; everything else goes to the code generator's (generator/cli/main.ts),
// which registers the TypeScript loader because protocol files are TypeScript. Inside the colloquy
// repository both run from source (so the loader is registered for either); installed as a package, from
// the built bundles in dist/, where the runtime's command line registers tsx only for an app written in
// TypeScript. `check` first tries the no-op answer (generator/cli/no-op-check.js, plain JavaScript on
// node: built-ins): when nothing changed it answers at about the cost of starting Node, before any of that.
import { existsSync } from 'node:fs'

const argv = process.argv.slice(2)
const forNode = ['node', 'identity', 'flows', 'flow', 'hospital', 'rpc-user', 'explorer'].includes(argv[0])
const fromSource = existsSync(new URL('../runtime/process/cli.ts', import.meta.url))
const entries = fromSource
  ? {
      node: '../runtime/process/cli.ts',
      codegen: '../generator/cli/main.ts',
      noOpCheck: '../generator/cli/no-op-check.js',
      loaderProcess: '../generator/isolation/loader-process.js',
    }
  : { node: '../dist/node-cli.js', codegen: '../dist/cli.js', noOpCheck: '../dist/no-op-check.js', loaderProcess: '../dist/loader-process.js' }
const load = (entry) => import(new URL(entry, import.meta.url).href)
const answered = argv[0] === 'check' ? (await load(entries.noOpCheck)).noOpCheck(argv) : undefined
if (answered !== undefined) {
  process.exitCode = answered
} else {
  // Commands that run protocol files start the process that loads them now, so its start overlaps this
  // one's (generator/isolation/loader-process.js); one no job was given to ends with the command.
  const jobKind = { generate: 'plan', check: 'declared', lock: 'declared', versions: 'declared' }[argv[0]]
  const loaderProcess = jobKind ? await load(entries.loaderProcess) : undefined
  loaderProcess?.startEarly(jobKind)
  const entry = forNode ? entries.node : entries.codegen
  if (fromSource || !forNode) {
    const { register } = await import('tsx/esm/api')
    register()
  }
  const { main } = await load(entry)
  try {
    process.exitCode = await main(argv)
  } finally {
    loaderProcess?.dropEarly()
  }
}
