/** A throw-away project beside the repository: its own protocols/, the repository's runtime and modules linked in. */
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const bin = path.join(repoRoot, 'bin', 'colloquy.js')

export interface CliResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

export function runCli(cwd: string, args: readonly string[]): CliResult {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

export interface TempProject {
  readonly root: string
  write(relative: string, content: string): void
  cli(...args: string[]): CliResult
  dispose(): void
}

/** Copies the repository's protocols into a fresh folder whose generated code imports ./runtime by path. */
export function tempProject(): TempProject {
  const root = mkdtempSync(path.join(os.tmpdir(), 'colloquy-cli-'))
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'colloquy-cli-test', type: 'module', private: true }))
  symlinkSync(path.join(repoRoot, 'runtime'), path.join(root, 'runtime'))
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'))
  cpSync(path.join(repoRoot, 'protocols'), path.join(root, 'protocols'), { recursive: true })
  return {
    root,
    write: (relative, content) => writeFileSync(path.join(root, relative), content),
    cli: (...args) => runCli(root, [...args, '--runtime', './runtime/protocol/index.ts']),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  }
}
