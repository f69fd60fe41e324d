/**
 * Where the Explorer's built page is: `explorer/dist` of the package (vite builds it there: `npm run
 * build:explorer`, run by `npm run build` and so by prepack; the browser tests build it when it is missing
 * or older than its sources). Found from this module upwards, so it works from runtime/explorer (this
 * repository) and from dist/ (the installed package).
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { InvalidOptionError } from '../protocol/errors/invalid-option-error.js'

export function explorerAssetsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = path.join(dir, 'explorer', 'dist')
    if (existsSync(path.join(candidate, 'index.html'))) return candidate
    const parent = path.dirname(dir)
    if (parent === dir)
      throw new InvalidOptionError(
        'The Explorer page is not built (explorer/dist/index.html is missing); run `npm run build:explorer` in the colloquy package, or reinstall it.',
      )
    dir = parent
  }
}
