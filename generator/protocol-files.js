// @ts-check
/**
 * Which files are protocol files: every `*.protocol.ts` under the protocols folder (node_modules skipped),
 * project-relative with forward slashes, sorted by code unit. Plain JavaScript, used by the no-op check too.
 */
import { readdirSync } from 'node:fs'
import path from 'node:path'

/**
 * @param {string} root
 * @param {string} protocolsDir
 * @returns {string[]}
 */
export function findProtocolFiles(root, protocolsDir) {
  /**
   * @param {string} current
   * @returns {string[]}
   */
  const walk = (current) => {
    /** @type {import('node:fs').Dirent[]} */
    let entries
    try {
      entries = readdirSync(current, { withFileTypes: true })
    } catch {
      return []
    }
    return entries.flatMap((entry) => {
      const full = path.join(current, entry.name)
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(full)
      return entry.name.endsWith('.protocol.ts') ? [path.relative(root, full).split(path.sep).join('/')] : []
    })
  }
  return walk(path.join(root, protocolsDir)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}
