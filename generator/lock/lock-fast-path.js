// @ts-check
/**
 * The no-op answer to "does the tree still match the lockfile?": while the generated manifest is current,
 * its per-version definition hashes are the tree's, so when every locked hash is among them no protocol
 * needs loading. Anything else (a changed or missing version, an old manifest) sends the caller to the
 * full judgement, which loads the protocols and names the differences. Plain JavaScript, so the no-op
 * check runs it without the TypeScript loader.
 */

/**
 * @typedef {import('./lockfile.js').VersionRef & { readonly file: string }} UnlockedVersion
 * @typedef {{ readonly kind: 'matches'; readonly unlocked: readonly UnlockedVersion[] } | { readonly kind: 'needs-protocols' }} FastVerdict
 */

/**
 * Call only with a manifest `checkGenerated` found current.
 * @param {{ readonly protocols: Readonly<Record<string, Readonly<Record<string, { readonly hash: string }>>>> }} lock a lockfile (lockfile.ts)
 * @param {import('../manifest.js').Manifest} manifest
 * @returns {FastVerdict}
 */
export function compareLockWithManifest(lock, manifest) {
  /** @type {Map<string, { hash: string; file: string; ref: import('./lockfile.js').VersionRef }>} */
  const declared = new Map()
  for (const [file, entry] of Object.entries(manifest.files)) {
    if (!entry.versions) return { kind: 'needs-protocols' }
    for (const [name, versions] of Object.entries(entry.versions)) {
      for (const [version, hash] of Object.entries(versions)) declared.set(`${name}\0${version}`, { hash, file, ref: { name, version: Number(version) } })
    }
  }
  /** @type {Set<string>} */
  const locked = new Set()
  for (const [name, versions] of Object.entries(lock.protocols)) {
    for (const [version, snapshot] of Object.entries(versions)) {
      const key = `${name}\0${Number(version)}`
      locked.add(key)
      if (declared.get(key)?.hash !== snapshot?.hash) return { kind: 'needs-protocols' }
    }
  }
  const unlocked = [...declared.entries()]
    .filter(([key]) => !locked.has(key))
    .map(([, { file, ref }]) => ({ ...ref, file }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version - b.version))
  return { kind: 'matches', unlocked }
}
