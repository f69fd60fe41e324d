// @ts-check
/**
 * generated/colloquy-manifest.json: for each protocol file, the hash of its inputs and of every output
 * written from it, the definition hash of each protocol version it declares, plus the generator's
 * fingerprint. `colloquy check` compares hashes only. Plain JavaScript, read by the no-op check too.
 */
import { readFileSync } from 'node:fs'

/**
 * @typedef {object} Manifest
 * @property {string} generator
 * @property {Readonly<Record<string, ManifestFileEntry>>} files
 */

/**
 * @typedef {object} ManifestFileEntry
 * @property {string} input
 * @property {Readonly<Record<string, string>>} outputs
 * @property {Readonly<Record<string, Readonly<Record<string, string>>>>} [versions] Definition hash of every
 *   protocol version the file declares (name -> version -> hash), so `colloquy check` can compare the
 *   lockfile with the tree without loading a protocol while the manifest is current.
 */

export const manifestName = 'colloquy-manifest.json'

/**
 * @param {string} absolutePath
 * @returns {Manifest | undefined}
 */
export function readManifest(absolutePath) {
  try {
    const parsed = JSON.parse(readFileSync(absolutePath, 'utf8'))
    return typeof parsed.generator === 'string' && typeof parsed.files === 'object' && parsed.files !== null ? parsed : undefined
  } catch {
    return undefined
  }
}
