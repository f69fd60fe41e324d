/**
 * `colloquy generate --watch`: regenerates in a fresh process on every change, so edited modules are never
 * served from a cache. Each folder under <protocols>/ is watched on its own (not one recursive watch):
 * a folder's watch sees entries created, renamed and deleted by name, so it survives editors' atomic
 * saves (write a temporary file, rename it over the original), which end a watch on the replaced file.
 * Folders that appear or disappear are picked up at every change.
 */
import { spawn } from 'node:child_process'
import { type Dirent, type FSWatcher, readdirSync, watch } from 'node:fs'
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
  const watchers = new Map<string, FSWatcher>()
  const changed = (file: string | Buffer | null): void => {
    syncWatchers(dir, watchers, changed)
    // A TypeScript file, or a name without an extension (a folder); editors' backup and swap files are ignored.
    if (file && !/\.ts$|^[^.]+$/.test(path.basename(String(file)))) return
    clearTimeout(timer)
    timer = setTimeout(regenerate, 100)
  }
  syncWatchers(dir, watchers, changed)
  return new Promise<number>((resolve) =>
    process.once('SIGINT', () => {
      for (const watcher of watchers.values()) watcher.close()
      resolve(exitCodes.ok)
    }),
  )
}

/** One watch per folder that exists now under `dir` (node_modules skipped); watches of folders gone are closed. */
function syncWatchers(dir: string, watchers: Map<string, FSWatcher>, changed: (file: string | Buffer | null) => void): void {
  const present = new Set(folders(dir))
  for (const [folder, watcher] of watchers) {
    if (present.has(folder)) continue
    watcher.close()
    watchers.delete(folder)
  }
  for (const folder of present) {
    if (watchers.has(folder)) continue
    try {
      const watcher = watch(folder, (_event, file) => changed(file === null ? null : path.join(folder, String(file))))
      watcher.on('error', () => {
        watcher.close()
        watchers.delete(folder)
      })
      watchers.set(folder, watcher)
    } catch {
      // gone between listing and watching: the next change lists again
    }
  }
}

function folders(dir: string): string[] {
  let entries: Dirent[]
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return []
  }
  return [dir, ...entries.filter((e) => e.isDirectory() && e.name !== 'node_modules').flatMap((e) => folders(path.join(dir, e.name)))]
}
