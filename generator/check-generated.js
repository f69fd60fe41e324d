// @ts-check
/**
 * `colloquy check`, freshness part: compares content hashes of protocol inputs and generated outputs with
 * the manifest. Loads no protocol and no TypeScript (plain JavaScript on `node:` built-ins), so a no-op
 * check is fast and can run before the TypeScript loader is registered.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { inputHash, sha256 } from './input-fingerprint.js'
import { manifestName, readManifest } from './manifest.js'
import { findProtocolFiles } from './protocol-files.js'

/**
 * @typedef {object} StaleOutput
 * @property {string} file The file to point at: an output, or the protocol file whose output is missing.
 * @property {string} reason
 */

/**
 * What the freshness check reads of the project layout.
 * @typedef {object} FreshnessLayout
 * @property {string} root
 * @property {string} protocolsDir
 * @property {string} outDir
 * @property {string} generatorFingerprint
 */

/**
 * @param {FreshnessLayout} layout
 * @returns {StaleOutput[]}
 */
export function checkGenerated(layout) {
  const manifestPath = `${layout.outDir}/${manifestName}`
  const manifest = readManifest(path.join(layout.root, manifestPath))
  if (!manifest) return [{ file: manifestPath, reason: 'is missing or unreadable, so the generated code cannot be verified' }]
  /** @type {StaleOutput[]} */
  const stale = []
  if (manifest.generator !== layout.generatorFingerprint) {
    stale.push({ file: manifestPath, reason: 'was written by a different version of the generator' })
  }
  const protocolFiles = findProtocolFiles(layout.root, layout.protocolsDir)
  /** @type {Set<string>} */
  const known = new Set()
  /** @type {import('./input-fingerprint.js').SourceCache} */
  const sources = new Map()
  for (const file of protocolFiles) {
    const entry = manifest.files[file]
    if (!entry) {
      stale.push({ file, reason: 'has no generated code yet' })
      continue
    }
    if (inputHash(layout.root, path.join(layout.root, file), sources) !== entry.input) stale.push({ file, reason: 'changed since its code was generated' })
    for (const [output, hash] of Object.entries(entry.outputs)) {
      known.add(output)
      const absolute = path.join(layout.root, output)
      if (!existsSync(absolute)) stale.push({ file: output, reason: `is missing (generated from ${file})` })
      else if (sha256(readFileSync(absolute)) !== hash) stale.push({ file: output, reason: `was edited by hand (generated from ${file})` })
    }
  }
  for (const file of Object.keys(manifest.files)) {
    if (!protocolFiles.includes(file)) stale.push({ file, reason: 'was deleted but its generated code is still there' })
  }
  for (const output of listFiles(path.join(layout.root, layout.outDir), layout.root)) {
    if (output !== manifestPath && !known.has(output) && !Object.values(manifest.files).some((f) => output in f.outputs)) {
      stale.push({ file: output, reason: 'is not produced from any protocol file' })
    }
  }
  return stale
}

/**
 * @param {string} dir
 * @param {string} root
 * @returns {string[]}
 */
function listFiles(dir, root) {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    return entry.isDirectory() ? listFiles(full, root) : [path.relative(root, full).split(path.sep).join('/')]
  })
}
