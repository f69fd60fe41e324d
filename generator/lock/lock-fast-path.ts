/**
 * The no-op answer to "does the tree still match the lockfile?": while the generated manifest is current,
 * its per-version definition hashes are the tree's, so when every locked hash is among them no protocol
 * needs loading. Anything else (a changed or missing version, an old manifest) sends the caller to the
 * full judgement, which loads the protocols and names the differences.
 */
import type { Manifest } from '../manifest.js'
import { type Lockfile, type VersionRef, lockedVersions } from './lockfile.js'

export type FastVerdict =
  | { readonly kind: 'matches'; readonly unlocked: readonly (VersionRef & { readonly file: string })[] }
  | { readonly kind: 'needs-protocols' }

/** Call only with a manifest `checkGenerated` found current. */
export function compareLockWithManifest(lock: Lockfile, manifest: Manifest): FastVerdict {
  const declared = new Map<string, { hash: string; file: string; ref: VersionRef }>()
  for (const [file, entry] of Object.entries(manifest.files)) {
    if (!entry.versions) return { kind: 'needs-protocols' }
    for (const [name, versions] of Object.entries(entry.versions)) {
      for (const [version, hash] of Object.entries(versions)) declared.set(`${name}\0${version}`, { hash, file, ref: { name, version: Number(version) } })
    }
  }
  const locked = new Set<string>()
  for (const { name, version, snapshot } of lockedVersions(lock)) {
    const key = `${name}\0${version}`
    locked.add(key)
    if (declared.get(key)?.hash !== snapshot.hash) return { kind: 'needs-protocols' }
  }
  const unlocked = [...declared.entries()]
    .filter(([key]) => !locked.has(key))
    .map(([, { file, ref }]) => ({ ...ref, file }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version - b.version))
  return { kind: 'matches', unlocked }
}
