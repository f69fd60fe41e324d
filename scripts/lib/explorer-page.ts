/**
 * Builds the Explorer page (vite, explorer/vite.config.ts) when explorer/dist is missing or older than its
 * sources, so the browser tests and `npm run demo -- --explorer` work on a fresh clone; `npm run build:explorer`
 * (scripts/build-explorer.ts, run by `npm run build` and so by prepack) goes through it too, so packing while
 * tests serve the page does not rebuild it under them. Test files running in parallel build once: a lock directory (explorer/.build-lock)
 * lets one build while the others wait, then find the page fresh.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../explorer')
const lock = path.join(root, '.build-lock')
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 15 * 60_000

function newest(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const full = path.join(dir, entry.name)
      return entry.isDirectory() ? newest(full) : statSync(full).mtimeMs
    }),
  )
}

function fresh(): boolean {
  const page = path.join(root, 'dist', 'index.html')
  const sources = Math.max(newest(path.join(root, 'src')), statSync(path.join(root, 'index.html')).mtimeMs, statSync(path.join(root, 'vite.config.ts')).mtimeMs)
  return existsSync(page) && statSync(page).mtimeMs >= sources
}

async function takeLock(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(lock)
      return
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true })
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
}

/** `force`: build even when the page looks fresh (e.g. after a dependency changed). */
export async function ensureExplorerBuilt(options: { readonly force?: boolean } = {}): Promise<void> {
  if (!options.force && fresh()) return
  await takeLock()
  try {
    if (options.force || !fresh()) await build({ configFile: path.join(root, 'vite.config.ts') })
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}
