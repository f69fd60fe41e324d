/**
 * One node per store. The lock is an exclusive SQLite lock on a sidecar file `<store>-lock`, an empty SQLite
 * database held with `locking_mode = EXCLUSIVE`: SQLite takes it as a POSIX advisory lock (fcntl), which the
 * OS drops when the process dies, so a node killed with SIGKILL never blocks its restart; and SQLite tracks
 * its locks per connection inside a process, so a second opener in the same process is refused too.
 * Why not lock the database file itself: `locking_mode = EXCLUSIVE` there also shuts out the read-only
 * readers that look at a running node's store (`colloquy flows`, diagnostics). Why not a pid file: after a
 * crash the pid may belong to another process, and a pid means nothing on another host.
 * Who holds the lock is written to `<store>-owner` (pid, host, start time) once it is taken, for the
 * refusal message only: it is never the lock. Never open `<store>-lock` with node:fs in a process that
 * may hold it: closing any descriptor of a file drops the process's POSIX locks on it.
 * Not covered: file systems whose fcntl locks do not work across hosts (NFS without a lock daemon).
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import Database from 'better-sqlite3'
import { StoreInUseError } from '../store-errors.js'

export interface StoreHolder {
  readonly pid: number
  readonly host: string
  readonly since: string
}

export class StoreLock {
  private constructor(
    private readonly db: Database.Database,
    private readonly ownerFile: string,
  ) {}

  /** Takes the lock of the store at `path`, or throws StoreInUseError naming its holder. */
  static acquire(path: string): StoreLock {
    const db = new Database(`${path}-lock`, { timeout: 0 })
    try {
      db.pragma('locking_mode = EXCLUSIVE')
      db.exec('BEGIN EXCLUSIVE; COMMIT')
    } catch (error) {
      db.close()
      const code = (error as { code?: string }).code ?? ''
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) throw new StoreInUseError(inUseMessage(path, readHolder(`${path}-owner`)))
      throw error
    }
    const lock = new StoreLock(db, `${path}-owner`)
    const holder: StoreHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() }
    const tmp = `${lock.ownerFile}.${process.pid}.tmp`
    writeFileSync(tmp, `${JSON.stringify(holder)}\n`)
    renameSync(tmp, lock.ownerFile)
    return lock
  }

  /** Gives the store up (orderly close): the owner record goes first, while the lock still guards it. */
  release(): void {
    if (!this.db.open) return
    rmSync(this.ownerFile, { force: true })
    this.db.close()
  }

  /** Gives the lock up as a dying process would: the owner record stays behind, stale, as after kill -9. */
  drop(): void {
    if (this.db.open) this.db.close()
  }
}

function readHolder(file: string): StoreHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as StoreHolder
    return typeof holder.pid === 'number' && typeof holder.host === 'string' && typeof holder.since === 'string' ? holder : undefined
  } catch {
    return undefined
  }
}

function inUseMessage(path: string, holder: StoreHolder | undefined): string {
  const who = holder
    ? `pid ${holder.pid} on host ${holder.host} since ${holder.since}`
    : `another process (its owner record ${path}-owner is missing or unreadable)`
  return (
    `The store ${path} is in use by ${who}; a store belongs to one node at a time, and two nodes on it would both resume its flows. ` +
    'Stop that node first, or give this one a database of its own.'
  )
}
