/**
 * Builds the Explorer page (vite, explorer/vite.config.ts) when explorer/dist is missing or older than its
 * sources, so the browser tests and `npm run demo -- --explorer` work on a fresh clone; `npm run build:explorer`
 * does the same build.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../explorer')

function newest(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const full = path.join(dir, entry.name)
      return entry.isDirectory() ? newest(full) : statSync(full).mtimeMs
    }),
  )
}

export async function ensureExplorerBuilt(): Promise<void> {
  const page = path.join(root, 'dist', 'index.html')
  const sources = Math.max(newest(path.join(root, 'src')), statSync(path.join(root, 'index.html')).mtimeMs, statSync(path.join(root, 'vite.config.ts')).mtimeMs)
  if (existsSync(page) && statSync(page).mtimeMs >= sources) return
  await build({ configFile: path.join(root, 'vite.config.ts') })
}
