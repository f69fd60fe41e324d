/**
 * Synthetic projects under bench/work/<case>/: protocols/, impl/ and a tsconfig, with `runtime` and
 * `node_modules` linked to the repository's, so generated code and implementations resolve exactly as in a
 * real project that vendors the runtime by path.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ImplementationOptions, type SyntheticProtocol, implementationSource, protocolSource } from './synthetic-sources.js'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const workRoot = path.join(repoRoot, 'bench', 'work')

/** What the generated code imports the runtime from, relative to the project root. */
export const runtimeModule = './runtime/protocol/index.ts'

const tsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    isolatedModules: true,
    verbatimModuleSyntax: true,
  },
  include: ['protocols', 'generated', 'impl'],
}

export interface Workspace {
  readonly root: string
  readonly protocols: readonly SyntheticProtocol[]
}

/** Recreates bench/work/<name>/ with one protocol file and one implementation per protocol. */
export function createWorkspace(name: string, protocols: readonly SyntheticProtocol[], impl: ImplementationOptions = {}): Workspace {
  const root = scaffold(name)
  mkdirSync(path.join(root, 'protocols'))
  for (const protocol of protocols) {
    writeFileSync(path.join(root, 'protocols', `${protocol.stem}.protocol.ts`), protocolSource(protocol))
    writeFileSync(path.join(root, 'impl', `${protocol.stem}.flow.ts`), implementationSource(protocol, impl))
  }
  return { root, protocols }
}

/** A project of hand-written modules under impl/ (no protocol, nothing generated), for baselines. */
export function createSourceWorkspace(name: string, files: Readonly<Record<string, string>>): Workspace {
  const root = scaffold(name)
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(root, 'impl', file), text)
  return { root, protocols: [] }
}

function scaffold(name: string): string {
  const root = path.join(workRoot, name)
  rmSync(root, { recursive: true, force: true })
  mkdirSync(path.join(root, 'impl'), { recursive: true })
  symlinkSync(path.join(repoRoot, 'runtime'), path.join(root, 'runtime'), 'dir')
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir')
  // not named colloquy, so the generator treats it as an ordinary project and honours --runtime
  writeFileSync(path.join(root, 'package.json'), `${JSON.stringify({ name: 'colloquy-bench', private: true, type: 'module' }, null, 2)}\n`)
  writeFileSync(path.join(root, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`)
  return root
}
