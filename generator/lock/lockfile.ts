/**
 * `<protocols>/colloquy.lock.json`: every released protocol version as a VersionSnapshot (canonical IR,
 * hash, step locations), by protocol name and version number. Written with sorted keys and two-space
 * indentation so the same versions always give the same bytes and diffs stay reviewable. Reading it needs
 * no TypeScript and no protocol, which keeps the no-op `colloquy check` fast.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { canonicalJson } from '../../runtime/protocol/ir/canonical-json.js'
import type { VersionSnapshot } from '../compat/types.js'
import { GeneratorError } from '../generator-error.js'

export const lockfileName = 'colloquy.lock.json'
/** Bumped when the file's shape changes; older readers refuse a newer file instead of misreading it. */
export const lockfileVersion = 1

export interface Lockfile {
  readonly lockfileVersion: number
  /** Protocol name -> version number (as a decimal string) -> snapshot. */
  readonly protocols: Readonly<Record<string, Readonly<Record<string, VersionSnapshot>>>>
}

/** One locked or declared version, addressed by name and number. */
export interface VersionRef {
  readonly name: string
  readonly version: number
}

export function lockfilePath(protocolsDir: string): string {
  return `${protocolsDir}/${lockfileName}`
}

export function emptyLockfile(): Lockfile {
  return { lockfileVersion, protocols: {} }
}

/** The lockfile, or undefined when there is none; a file that exists but is not a lockfile is an error. */
export function readLockfile(root: string, protocolsDir: string): Lockfile | undefined {
  return readLockfileSource(root, protocolsDir)?.lockfile
}

/** The lockfile with its text, for callers that point at lines in it or rewrite it only when it changes. */
export function readLockfileSource(root: string, protocolsDir: string): { readonly lockfile: Lockfile; readonly text: string } | undefined {
  const relative = lockfilePath(protocolsDir)
  let text: string
  try {
    text = readFileSync(path.join(root, relative), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  return { lockfile: parseLockfile(text, relative), text }
}

export function parseLockfile(text: string, file: string): Lockfile {
  const invalid = (why: string): GeneratorError =>
    new GeneratorError(`${file} ${why}; restore it from version control, or delete it and run \`colloquy lock\` to record the released versions again`, {
      file,
    })
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw invalid(`is not valid JSON (${(error as Error).message})`)
  }
  if (!isRecord(parsed) || typeof parsed.lockfileVersion !== 'number' || !isRecord(parsed.protocols)) {
    throw invalid('is not a colloquy lockfile (it needs `lockfileVersion` and `protocols`)')
  }
  if (parsed.lockfileVersion > lockfileVersion) {
    throw new GeneratorError(
      `${file} has lockfileVersion ${parsed.lockfileVersion}, written by a newer colloquy than this one (which reads ${lockfileVersion}); upgrade colloquy`,
      { file },
    )
  }
  for (const [name, versions] of Object.entries(parsed.protocols)) {
    if (!isRecord(versions)) throw invalid(`has no version table for ${name}`)
    for (const [version, snapshot] of Object.entries(versions)) {
      if (!/^[0-9]+$/.test(version)) throw invalid(`names a version '${version}' of ${name}, which is not a version number`)
      if (!isRecord(snapshot) || typeof snapshot.hash !== 'string' || !isRecord(snapshot.ir) || !isRecord(snapshot.locations)) {
        throw invalid(`has an incomplete entry for ${name} v${version} (it needs ir, hash and locations)`)
      }
    }
  }
  return parsed as unknown as Lockfile
}

/** Sorted keys at every level, two-space indentation, a final newline. */
export function serializeLockfile(lock: Lockfile): string {
  return `${canonicalJson(lock, 2)}\n`
}

export function lockedSnapshot(lock: Lockfile | undefined, ref: VersionRef): VersionSnapshot | undefined {
  return lock?.protocols[ref.name]?.[String(ref.version)]
}

/** Every locked version, by name then version number. */
export function lockedVersions(lock: Lockfile | undefined): Array<VersionRef & { readonly snapshot: VersionSnapshot }> {
  if (!lock) return []
  return Object.keys(lock.protocols)
    .sort(byCodeUnit)
    .flatMap((name) =>
      Object.entries(lock.protocols[name]!)
        .map(([version, snapshot]) => ({ name, version: Number(version), snapshot }))
        .sort((a, b) => a.version - b.version),
    )
}

/** A lockfile holding exactly these snapshots. */
export function lockfileOf(entries: Iterable<VersionRef & { readonly snapshot: VersionSnapshot }>): Lockfile {
  const protocols: Record<string, Record<string, VersionSnapshot>> = {}
  for (const { name, version, snapshot } of entries) (protocols[name] ??= {})[String(version)] = snapshot
  return { lockfileVersion, protocols }
}

/** The line of a version's entry in the lockfile text, for diagnostics about a version the tree no longer has. */
export function lineOfLockedVersion(text: string, ref: VersionRef): number {
  const lines = text.split('\n')
  const nameLine = lines.indexOf(`    ${JSON.stringify(ref.name)}: {`)
  if (nameLine < 0) return 1
  const versionLine = lines.findIndex((line, i) => i > nameLine && line === `      ${JSON.stringify(String(ref.version))}: {`)
  return (versionLine < 0 ? nameLine : versionLine) + 1
}

export function versionLabel(ref: VersionRef): string {
  return `${ref.name} v${ref.version}`
}

/** The first 12 hex digits of a `sha256:` hash: enough to tell versions apart in a table or message. */
export function shortHash(hash: string): string {
  return hash.replace(/^sha256:/, '').slice(0, 12)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
