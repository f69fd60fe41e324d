/**
 * Content hashes that let `colloquy check` decide "nothing changed" without loading any protocol: a
 * protocol file's hash covers its text and every local module it imports, transitively; the generator's
 * fingerprint covers the code `colloquy generate` runs, so a change to it marks every output stale.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const importPattern = /(?:import|export)[^'"`;]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex')
}

/**
 * Hash of a source file and its relative imports (transitively), in a stable order. Paths enter the hash
 * relative to `root`, so a clone in another folder gets the same hash.
 */
export function inputHash(root: string, absoluteFile: string): string {
  const hash = createHash('sha256')
  for (const file of localImportClosure(absoluteFile)) {
    const text = readFileSync(file, 'utf8')
    const name = path.relative(root, file).split(path.sep).join('/')
    hash.update(`${name}\0${text.length}\0`).update(text)
  }
  return hash.digest('hex')
}

/** A source file and every local module it imports, transitively (not node_modules), depth first. */
export function localImportClosure(absoluteFile: string): string[] {
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    for (const match of readFileSync(file, 'utf8').matchAll(importPattern)) {
      const resolved = resolveLocal(path.dirname(file), (match[1] ?? match[2])!)
      if (resolved && !resolved.includes(`${path.sep}node_modules${path.sep}`)) visit(resolved)
    }
  }
  visit(absoluteFile)
  return [...seen]
}

function resolveLocal(dir: string, specifier: string): string | undefined {
  const base = path.resolve(dir, specifier)
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, path.join(base, 'index.ts')]
  return candidates.find((c) => existsSync(c) && !c.endsWith(path.sep))
}

/**
 * Hash of the code that decides what `colloquy generate` writes. From source, that is generate.ts and
 * everything it imports: the emitters (emit/), the protocol model and loader, the manifest format, the
 * input hashes written into the manifest, and the runtime DSL and IR the model is built from. The CLI
 * and the compatibility rules (compat/, lock/, versions/) only read protocols and generated code, so
 * editing them leaves generated/ current. From the built bundle (no generate.ts beside it), every file.
 */
export function generatorFingerprint(generatorDir: string): string {
  const entry = path.join(generatorDir, 'generate.ts')
  const files = existsSync(entry) ? localImportClosure(entry) : listFiles(generatorDir)
  const named = files.map((file) => ({ file, name: path.relative(generatorDir, file).split(path.sep).join('/') }))
  const hash = createHash('sha256')
  for (const { file, name } of named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    hash.update(`${name}\0`).update(readFileSync(file))
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

/** The fingerprint of the generator this process runs: this module's folder (generator/ from source, dist/ built). */
export function runningGeneratorFingerprint(): string {
  return generatorFingerprint(path.dirname(fileURLToPath(import.meta.url)))
}
