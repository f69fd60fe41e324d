/** `colloquy lock` output: what was added, kept, replaced or removed, or the findings that stopped it. */
import path from 'node:path'
import { approvalsPath } from './approvals.js'
import type { CheckLayout } from './compatibility-check.js'
import { formatFinding } from './format-findings.js'
import { type LockOptions, lockVersions } from './lock-versions.js'
import { type VersionRef, versionLabel } from './lockfile.js'

export interface Output {
  out(line: string): void
  err(line: string): void
}

/** Returns false when a changed locked version stopped the lock (nothing was written). */
export async function runLockCommand(layout: CheckLayout, options: LockOptions, output: Output): Promise<boolean> {
  const result = await lockVersions(layout, options)
  if (result.refused.length > 0) {
    for (const finding of result.refused) output.err(formatFinding(finding, { kind: 'lock', file: result.file }))
    output.err(
      `colloquy lock: ${list(result.changed)} changed since ${result.changed.length === 1 ? 'it was' : 'they were'} locked, so ${result.file} was not written. ` +
        'Restore the released definition and declare the change under a new version number, or run `colloquy lock --force` if no peer runs the locked definition.',
    )
    return false
  }
  for (const v of result.added) output.out(`added ${versionLabel(v)}`)
  for (const v of result.replaced) output.out(`replaced ${versionLabel(v)} (--force): peers that run the old definition will refuse nodes built from this tree`)
  for (const v of result.kept) output.out(`kept ${versionLabel(v)}`)
  for (const v of result.approved)
    output.out(`kept ${versionLabel(v)} as locked: it changed since, and every change is approved in ${approvalsPath(path.posix.dirname(result.file))}`)
  for (const v of result.retained) output.out(`kept ${versionLabel(v)}, no longer declared (\`colloquy lock --prune\` removes it once no peer runs it)`)
  for (const v of result.pruned) output.out(`removed ${versionLabel(v)} (--prune: no longer declared)`)
  const counts = `${result.added.length} added, ${result.kept.length + result.approved.length + result.retained.length} kept, ${result.replaced.length} replaced, ${result.pruned.length} removed`
  output.out(`colloquy lock: ${result.written ? `wrote ${result.file}` : `${result.file} is up to date`} (${counts})`)
  return true
}

function list(versions: readonly VersionRef[]): string {
  return versions.map(versionLabel).join(', ')
}
