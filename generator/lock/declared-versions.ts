/**
 * The protocol versions a tree declares, as snapshots: loads every `*.protocol.ts` under the protocols
 * folder of `root` (which may be a materialised git revision) with the generator's loader and model, so
 * a file that fails to load is reported exactly as `colloquy generate` reports it.
 */
import path from 'node:path'
import { snapshotOf } from '../compat/snapshot.js'
import type { VersionSnapshot } from '../compat/types.js'
import { runIsolated } from '../isolation/run-isolated.js'
import { type LoadOptions, findProtocolFiles, loadProtocolFiles } from '../load-protocols.js'
import { buildProjectModel } from '../protocol-model.js'
import type { VersionRef } from './lockfile.js'

export interface DeclaredVersion extends VersionRef {
  readonly snapshot: VersionSnapshot
}

export interface DeclaredFamily {
  readonly name: string
  /** Project-relative path of the file declaring every version. */
  readonly file: string
  readonly initiator: string
  readonly responder: string
  /** Ascending by version. */
  readonly versions: readonly DeclaredVersion[]
}

/** Protocol files are code: they run in a child process with a time limit (generator/isolation/). */
export function loadDeclaredFamilies(root: string, protocolsDir: string): Promise<DeclaredFamily[]> {
  return runIsolated({ kind: 'declared', root, protocolsDir })
}

/** The same in this process: what the loader child runs. */
export async function loadDeclaredFamiliesHere(root: string, protocolsDir: string, options: LoadOptions = {}): Promise<DeclaredFamily[]> {
  const model = buildProjectModel(await loadProtocolFiles(root, findProtocolFiles(root, protocolsDir), options))
  const snapshotRoot = path.resolve(root)
  return model.files
    .flatMap((file) => file.families)
    .map((family) => ({
      name: family.name,
      file: family.file,
      initiator: family.initiator,
      responder: family.responder,
      versions: family.versions.map((v) => ({
        name: family.name,
        version: v.definition.version,
        snapshot: projectRelative(snapshotOf(v.definition, snapshotRoot), snapshotRoot),
      })),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

export function declaredVersions(families: readonly DeclaredFamily[]): DeclaredVersion[] {
  return families.flatMap((family) => family.versions)
}

/** Locations as project-relative paths, whatever the tree's folder: a revision's tree lives in a temporary one. */
function projectRelative(snapshot: VersionSnapshot, root: string): VersionSnapshot {
  const relative = (file: string): string => (path.isAbsolute(file) ? path.relative(root, file).split(path.sep).join('/') : file)
  if (Object.values(snapshot.locations).every((at) => !path.isAbsolute(at.file))) return snapshot
  const locations = Object.fromEntries(Object.entries(snapshot.locations).map(([step, at]) => [step, { ...at, file: relative(at.file) }]))
  return { ...snapshot, locations }
}
