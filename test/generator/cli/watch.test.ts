/**
 * `colloquy generate --watch` keeps regenerating after an editor's atomic save (write a temporary file,
 * rename it over the protocol file), a deleted protocol file and a new one.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TempProject, repoRoot, tempProject } from '../support/temp-project.js'

const protocolSource = (name: string, label: string): string => `import { z } from 'zod'
import { protocol } from '../runtime/protocol/index.js'
export const ${name} = protocol('${name}', { version: 1, initiator: 'A', responder: 'B' }).send('${label}', z.string()).end()
`

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('colloquy generate --watch', () => {
  let project: TempProject
  let watcher: ChildProcess
  let output = ''
  const generated = (file: string): string => path.join(project.root, 'generated', file)
  const read = (file: string): string => (existsSync(generated(file)) ? readFileSync(generated(file), 'utf8') : '')

  beforeAll(async () => {
    project = tempProject()
    project.write('protocols/watched.protocol.ts', protocolSource('Watched', 'first'))
    watcher = spawn(process.execPath, [path.join(repoRoot, 'bin', 'colloquy.js'), 'generate', '--watch', '--runtime', './runtime/protocol/index.ts'], {
      cwd: project.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    watcher.stdout!.on('data', (chunk) => (output += chunk))
    watcher.stderr!.on('data', (chunk) => (output += chunk))
    await until('the watcher is watching', () => output.includes('watching protocols/'))
  })
  afterAll(() => {
    watcher.kill('SIGINT')
    project.dispose()
  })

  it('regenerates after an atomic save: a temporary file renamed over the protocol file', async () => {
    expect(read('watched.ts')).toContain('first')
    const file = path.join(project.root, 'protocols/watched.protocol.ts')
    writeFileSync(`${file}.tmp`, protocolSource('Watched', 'second'))
    renameSync(`${file}.tmp`, file)
    await until('the renamed save is generated', () => read('watched.ts').includes('second'))
    // And again: the watch survives the first rename.
    writeFileSync(`${file}.tmp`, protocolSource('Watched', 'third'))
    renameSync(`${file}.tmp`, file)
    await until('the second renamed save is generated', () => read('watched.ts').includes('third'))
  })

  it('removes the output of a deleted protocol file and generates a new one', async () => {
    rmSync(path.join(project.root, 'protocols/watched.protocol.ts'))
    await until('the deleted file’s output is removed', () => !existsSync(generated('watched.ts')))
    project.write('protocols/fresh.protocol.ts', protocolSource('Fresh', 'hello'))
    await until('the new file is generated', () => read('fresh.ts').includes('hello'))
    expect(watcher.exitCode).toBeNull()
  })
})
