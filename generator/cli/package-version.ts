/** `colloquy --version`: the version in the package's package.json, found from source and from the bundle alike. */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export function packageVersion(): string {
  const here = path.dirname(fileURLToPath(import.meta.url))
  // dist/cli.js is one folder below the package root, generator/cli/*.ts two.
  for (const candidate of [path.join(here, '..', 'package.json'), path.join(here, '..', '..', 'package.json')]) {
    try {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version: string }
      if (pkg.name === 'colloquy') return pkg.version
    } catch {
      // try the next location
    }
  }
  return 'unknown'
}
