/** `colloquy generate --watch`: regenerates in a fresh process on every change, so edited modules are never served from a cache. */
import { spawn } from 'node:child_process'
import { watch } from 'node:fs'
import path from 'node:path'
import { exitCodes } from '../../runtime/protocol/errors/exit-codes.js'
import type { ProjectLayout } from '../generate.js'
import { out } from './command.js'

export function watchProtocols(layout: ProjectLayout): Promise<number> {
  const dir = path.join(layout.root, layout.protocolsDir)
  out(`colloquy generate --watch: watching ${layout.protocolsDir}/ (Ctrl-C to stop)\n`)
  let timer: NodeJS.Timeout | undefined
  let running = false
  let again = false
  const bin = process.argv[1]!
  const regenerate = (): void => {
    if (running) {
      again = true
      return
    }
    running = true
    const args = [bin, 'generate', '--root', layout.root, '--protocols', layout.protocolsDir, '--out', layout.outDir, '--runtime', layout.runtime]
    spawn(process.execPath, args, { stdio: 'inherit' }).on('exit', () => {
      running = false
      if (again) {
        again = false
        regenerate()
      }
    })
  }
  watch(dir, { recursive: true }, (_event, file) => {
    if (file && !String(file).endsWith('.ts')) return
    clearTimeout(timer)
    timer = setTimeout(regenerate, 100)
  })
  return new Promise<number>((resolve) => process.once('SIGINT', () => resolve(exitCodes.ok)))
}
