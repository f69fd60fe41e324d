/**
 * Content hashes that let `colloquy check` decide "nothing changed" without loading any protocol: a
 * protocol file's hash covers its text and every local module it imports, transitively; the generator's
 * fingerprint covers the generator and DSL sources, so a generator change marks every output stale.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'

const importPattern = /(?:import|export)[^'"`;]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex')
}

/**
 * Hash of a source file and its relative imports (transitively), in a stable order. Paths enter the hash
 * relative to `root`, so a clone in another folder gets the same hash.
 */
export function inputHash(root: string, absoluteFile: string): string {
  const seen = new Set<string>()
  const hash = createHash('sha256')
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    const name = path.relative(root, file).split(path.sep).join('/')
    hash.update(`${name}\0${text.length}\0`).update(text)
    for (const match of text.matchAll(importPattern)) {
      const resolved = resolveLocal(path.dirname(file), (match[1] ?? match[2])!)
      if (resolved && !resolved.includes(`${path.sep}node_modules${path.sep}`)) visit(resolved)
    }
  }
  visit(absoluteFile)
  return hash.digest('hex')
}

function resolveLocal(dir: string, specifier: string): string | undefined {
  const base = path.resolve(dir, specifier)
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, path.join(base, 'index.ts')]
  return candidates.find((c) => existsSync(c) && !c.endsWith(path.sep))
}

/** Hash of the code that produces the output: generator and runtime DSL/IR sources, or the built bundle. */
export function generatorFingerprint(generatorDir: string): string {
  const roots = [generatorDir, path.join(generatorDir, '..', 'runtime', 'dsl'), path.join(generatorDir, '..', 'runtime', 'ir')]
  const hash = createHash('sha256')
  for (const root of roots) {
    if (!existsSync(root)) continue
    for (const file of listFiles(root).sort()) hash.update(path.relative(generatorDir, file)).update(readFileSync(file))
  }
  return hash.digest('hex').slice(0, 16)
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return listFiles(full)
    return /\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : []
  })
}
