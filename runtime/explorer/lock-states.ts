/**
 * Lock state of the node's protocol versions for the Protocols screen, read from the project's lockfile
 * (protocols/colloquy.lock.json, written by `colloquy lock`) when the Explorer is told where it is:
 * `locked` (the lockfile records this version with the same hash), `changed` (a different hash: the
 * running code changed a released version), `unlocked` (not recorded). Without a lockfile: `unknown`.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'

export type LockState = 'locked' | 'changed' | 'unlocked' | 'unknown'

const LockfileHashes = z.object({
  lockfileVersion: z.number(),
  protocols: z.record(z.string(), z.record(z.string(), z.object({ hash: z.string() }))),
})

/** The lock state of a version, read from `lockfile` at each call (it changes when the project locks). */
export function lockState(lockfile: string | undefined, protocol: string, version: number, hash: string): LockState {
  if (lockfile === undefined) return 'unknown'
  const recorded = readHashes(lockfile)?.protocols[protocol]?.[String(version)]
  if (recorded === undefined) return readHashes(lockfile) ? 'unlocked' : 'unknown'
  return recorded.hash === hash ? 'locked' : 'changed'
}

function readHashes(lockfile: string): z.infer<typeof LockfileHashes> | undefined {
  try {
    const parsed = LockfileHashes.safeParse(JSON.parse(readFileSync(lockfile, 'utf8')))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}
