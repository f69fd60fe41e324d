// @ts-check
/**
 * Content hashes that let `colloquy check` decide "nothing changed" without loading any protocol: a
 * protocol file's hash covers its text and every local module it imports, transitively; the generator's
 * fingerprint covers the code `colloquy generate` runs, so a change to it marks every output stale.
 * Plain JavaScript on `node:` built-ins only, so the no-op check (generator/cli/no-op-check.js) runs it
 * without the TypeScript loader.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const importPattern = /(?:import|export)[^'"`;]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g

/**
 * @param {string | Buffer} text
 * @returns {string}
 */
export function sha256(text) {
  return createHash('sha256').update(text).digest('hex')
}

/**
 * What one call over many files reads once: each source file's text and the local modules it imports.
 * Pass the same cache to every inputHash of one run (protocol files share the runtime they import); a
 * new run takes a new cache, so edits between runs are always seen.
 * @typedef {Map<string, { readonly digest: string; readonly imports: readonly string[]; readonly names: Map<string, string> }>} SourceCache
 */

/**
 * Hash of a source file and its relative imports (transitively), in a stable order: each file's path
 * relative to `root` (so a clone in another folder gets the same hash) and the hash of its text.
 * @param {string} root
 * @param {string} absoluteFile
 * @param {SourceCache} [cache]
 * @returns {string}
 */
export function inputHash(root, absoluteFile, cache = new Map()) {
  const hash = createHash('sha256')
  for (const file of localImportClosure(absoluteFile, cache)) {
    const { digest, names } = readSource(file, cache)
    let name = names.get(root)
    if (name === undefined) names.set(root, (name = path.relative(root, file).split(path.sep).join('/')))
    hash.update(`${name}\0${digest}\0`)
  }
  return hash.digest('hex')
}

/**
 * A source file and every local module it imports, transitively (not node_modules), depth first.
 * @param {string} absoluteFile
 * @param {SourceCache} [cache]
 * @returns {string[]}
 */
export function localImportClosure(absoluteFile, cache = new Map()) {
  /** @type {Set<string>} */
  const seen = new Set()
  /** @param {string} file */
  const visit = (file) => {
    if (seen.has(file)) return
    seen.add(file)
    for (const imported of readSource(file, cache).imports) visit(imported)
  }
  visit(absoluteFile)
  return [...seen]
}

/**
 * @param {string} file
 * @param {SourceCache} cache
 */
function readSource(file, cache) {
  let source = cache.get(file)
  if (!source) {
    const text = readFileSync(file, 'utf8')
    /** @type {string[]} */
    const imports = []
    for (const match of text.matchAll(importPattern)) {
      const resolved = resolveLocal(path.dirname(file), /** @type {string} */ (match[1] ?? match[2]))
      if (resolved && !resolved.includes(`${path.sep}node_modules${path.sep}`)) imports.push(resolved)
    }
    source = { digest: sha256(text), imports, names: new Map() }
    cache.set(file, source)
  }
  return source
}

/**
 * @param {string} dir
 * @param {string} specifier
 * @returns {string | undefined}
 */
function resolveLocal(dir, specifier) {
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
 * @param {string} generatorDir
 * @returns {string}
 */
export function generatorFingerprint(generatorDir) {
  const entry = path.join(generatorDir, 'generate.ts')
  const files = existsSync(entry) ? localImportClosure(entry) : listFiles(generatorDir)
  const named = files.map((file) => ({ file, name: path.relative(generatorDir, file).split(path.sep).join('/') }))
  const hash = createHash('sha256')
  for (const { file, name } of named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    hash.update(`${name}\0`).update(readFileSync(file))
  }
  return hash.digest('hex').slice(0, 16)
}

/**
 * @param {string} dir
 * @returns {string[]}
 */
function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return listFiles(full)
    return /\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : []
  })
}

/**
 * The fingerprint of the generator this process runs: this module's folder (generator/ from source, dist/ built).
 * @returns {string}
 */
export function runningGeneratorFingerprint() {
  return generatorFingerprint(path.dirname(fileURLToPath(import.meta.url)))
}
