// @ts-check
/**
 * `colloquy check` when nothing changed, answered before the TypeScript loader or any protocol
 * is loaded: generated code current by its hashes (check-generated.js) and every locked version's hash
 * among the manifest's (lock-fast-path.js). Plain JavaScript on `node:` built-ins, so it costs about a
 * Node start; bin/colloquy.js runs it first. It prints exactly what generator/cli/check.ts prints for the
 * same outcome. Any other outcome (a stale file, a changed or malformed lockfile, options it does not
 * handle such as `--format json` or `--against`) returns undefined, and the full command line answers.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { checkGenerated } from '../check-generated.js'
import { runningGeneratorFingerprint } from '../input-fingerprint.js'
import { compareLockWithManifest } from '../lock/lock-fast-path.js'
import { manifestName, readManifest } from '../manifest.js'
import { findProjectRoot } from './project-root.js'

const options = /** @type {const} */ ({
  root: { type: 'string' },
  protocols: { type: 'string' },
  out: { type: 'string' },
  runtime: { type: 'string' },
  format: { type: 'string' },
})

/**
 * The exit code (0) when the no-op answer applies and was printed, else undefined.
 * @param {readonly string[]} argv the command line after `colloquy`
 * @returns {number | undefined}
 */
export function noOpCheck(argv) {
  const started = performance.now()
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true })
  } catch {
    return undefined
  }
  const { values, positionals } = parsed
  if (positionals.length !== 1 || positionals[0] !== 'check' || (values.format !== undefined && values.format !== 'text')) return undefined
  const root = values.root === undefined ? findProjectRoot(process.cwd()) : path.resolve(values.root)
  const protocolsDir = (values.protocols ?? 'protocols').replace(/\/+$/, '')
  const outDir = (values.out ?? 'generated').replace(/\/+$/, '')
  const layout = { root, protocolsDir, outDir, generatorFingerprint: runningGeneratorFingerprint() }
  if (checkGenerated(layout).length > 0) return undefined
  const manifest = readManifest(path.join(root, outDir, manifestName))
  if (!manifest) return undefined
  const lockfile = `${protocolsDir}/colloquy.lock.json`
  const lock = readLock(path.join(root, lockfile))
  if (lock === 'unusable') return undefined
  /** @type {string[]} */
  let notes
  let summary
  if (lock === 'absent') {
    notes = [`no ${lockfile} yet: run \`colloquy lock\` to record the released protocol versions, so check catches incompatible changes to them`]
    summary = 'no released protocol versions recorded yet'
  } else {
    const verdict = compareLockWithManifest(lock, manifest)
    if (verdict.kind !== 'matches') return undefined
    notes = verdict.unlocked.map((v) => `${v.name} v${v.version} (${v.file}) is not locked yet: run \`colloquy lock\` when you release it`)
    const count = Object.values(lock.protocols).reduce((n, versions) => n + Object.keys(versions).length, 0)
    summary = `${count} locked protocol version${count === 1 ? '' : 's'} unchanged since ${lockfile}`
  }
  const ms = Math.round(performance.now() - started)
  process.stdout.write(`${notes.map((note) => `note: ${note}.\n`).join('')}colloquy check: ${outDir}/ is up to date; ${summary} (${ms} ms)\n`)
  return 0
}

/**
 * The lockfile when it is one this answer can trust (the shape lockfile.ts accepts), 'absent' without one,
 * 'unusable' for anything the full check must report.
 * @param {string} file
 * @returns {{ protocols: Record<string, Record<string, { hash: string }>> } | 'absent' | 'unusable'}
 */
function readLock(file) {
  let text
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT' ? 'absent' : 'unusable'
  }
  try {
    const lock = JSON.parse(text)
    if (!isRecord(lock) || typeof lock.lockfileVersion !== 'number' || lock.lockfileVersion > 1 || !isRecord(lock.protocols)) return 'unusable'
    for (const versions of Object.values(lock.protocols)) {
      if (!isRecord(versions)) return 'unusable'
      for (const [version, snapshot] of Object.entries(versions)) {
        if (!/^[0-9]+$/.test(version) || !isRecord(snapshot) || typeof snapshot.hash !== 'string' || !isRecord(snapshot.ir) || !isRecord(snapshot.locations)) {
          return 'unusable'
        }
      }
    }
    return /** @type {{ protocols: Record<string, Record<string, { hash: string }>> }} */ (lock)
  } catch {
    return 'unusable'
  }
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, any>}
 */
function isRecord(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
