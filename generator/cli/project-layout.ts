/** Where a command finds the project: its root, protocols and output folders, and the runtime module generated code imports. */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { ProjectLayout } from '../generate.js'
import { runningGeneratorFingerprint } from '../input-fingerprint.js'
import type { CodegenArguments } from './arguments.js'

export function projectLayout(args: CodegenArguments): ProjectLayout {
  return {
    root: args.root,
    protocolsDir: args.protocols.replace(/\/+$/, ''),
    outDir: args.out.replace(/\/+$/, ''),
    runtime: args.runtime ?? defaultRuntime(args.root),
    generatorFingerprint: runningGeneratorFingerprint(),
  }
}

/** Inside the colloquy repository the generated code imports the runtime by path; elsewhere by package. */
function defaultRuntime(root: string): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: string }
    if (pkg.name === 'colloquy') return './runtime/protocol/index.ts'
  } catch {
    // no package.json: an ordinary project
  }
  return 'colloquy/protocol'
}
