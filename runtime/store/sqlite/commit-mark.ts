/**
 * The commit mark: how far a store has committed, kept OUTSIDE the database in `<store>-commits`, so that a
 * store that went backwards is refused at start instead of resumed. Backwards means the database holds
 * fewer commits than it once had: its write-ahead log was deleted or truncated while the node was down, an
 * older copy was put back, the file was emptied, replaced or deleted. Resuming such a store would re-run
 * or lose steps its peers already acknowledged, and its flows would hang.
 *
 * The database keeps a matching counter in its header (`PRAGMA user_version`, 0 in a new or older store; no
 * table holds it, so dumps of the tables do not see it change). About once a second after commits
 * (and when the store closes), the counter is raised inside the next group-commit batch; once that batch
 * committed, the mark is rewritten with the new value, atomically (temporary file, fsync, rename, fsync of
 * the directory) and off the event loop. The mark never runs ahead of what is durable: with durability
 * 'fast' the write-ahead log is fsynced before the mark is written. So the cost is one row update and one
 * small file write per second on a busy node, and nothing on an idle one. Opening a store raises the counter
 * and writes the mark at once (synchronously), so a store is marked from its first open.
 *
 * At open, a counter below the mark refuses the store (StoreRolledBackError) with both numbers; the way
 * out for an operator who restored a backup on purpose is to delete the mark. Not detected: commits of the
 * last second or so before the loss (the mark had not reached them yet), a copy that is not behind the mark
 * (e.g. the mark deleted along with the database), and damage inside pages SQLite reads without complaint.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { open, rename } from 'node:fs/promises'
import { dirname } from 'node:path'
import type Database from 'better-sqlite3'
import { StoreRolledBackError } from '../store-errors.js'
import type { GroupCommit } from './group-commit.js'

interface Mark {
  readonly commit: number
  readonly at: string
}

const markFile = (path: string) => `${path}-commits`

/** The counter the database holds, read before anything is written (0 for a new, empty or foreign file). */
export function storedCommit(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** Throws StoreRolledBackError when the mark beside `path` records more commits than the database holds. */
export function refuseIfBehind(path: string, found: number): void {
  const mark = readMark(markFile(path))
  if (!mark || mark.commit <= found) return
  throw new StoreRolledBackError(
    `The store ${path} went backwards: it is at commit ${found} but had reached at least commit ${mark.commit} at ${mark.at} (recorded in ${markFile(path)}). ` +
      'Its write-ahead log (-wal file) was lost or truncated, or an older, emptied or other file was put in its place; peers may hold acknowledgements ' +
      'for what is missing, so its flows would hang or run steps twice. Restore the store (the database with its -wal file) from a backup taken after that time; ' +
      `to run on this store anyway, knowing what is lost, delete ${markFile(path)} and start the node again.`,
  )
}

function readMark(file: string): Mark | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  try {
    const mark = JSON.parse(text) as Mark
    return typeof mark.commit === 'number' && typeof mark.at === 'string' ? mark : undefined
  } catch {
    return undefined // not written by the store (its writes are atomic): treated as absent
  }
}

export class CommitStamp {
  private timer: NodeJS.Timeout | undefined
  private bumping = false
  private dirty = false
  private closed = false
  private marked: number
  private writing: Promise<void> = Promise.resolve()
  private writes = 0

  constructor(
    private readonly path: string,
    private readonly db: Database.Database,
    private readonly commits: GroupCommit,
    private counter: number,
    /** With synchronous=NORMAL a commit is not durable until the WAL is synced: sync it before marking. */
    private readonly syncWal: boolean,
  ) {
    this.marked = counter
  }

  /**
   * At open, once the store passed the check: the counter is raised at once (one small commit) and the mark
   * follows off the event loop, so a store is marked from its first open even when its node dies within the
   * second (kill -9 right after a first burst of commits would otherwise leave no mark, and an emptied file
   * would go unnoticed). Writing the mark here synchronously would add its fsyncs to every open.
   */
  opened(): void {
    const next = this.counter + 1
    this.db.pragma(`user_version = ${next}`)
    this.counter = next
    this.writing = this.writing.then(() => this.write(next)).catch(() => {}) // a mark behind is safe; the next raise writes it
  }

  /** Called after every transaction that wrote something: raises the counter within about a second. */
  committed(): void {
    if (this.bumping || this.closed) return
    this.dirty = true
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      if (!this.closed) this.bump()
    }, 1000)
    this.timer.unref()
  }

  /** Before the store's last flush: counts what was committed since the last raise. */
  closing(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    if (this.dirty && !this.bumping) this.bump()
  }

  /** The store crashed (closed without committing): nothing more is raised or marked. */
  stop(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
  }

  /** Resolves once no mark write is in flight (a write started before the close renames its file after it). */
  settled(): Promise<void> {
    return this.writing
  }

  /** After the database closed (everything checkpointed into the file): the mark catches up. */
  afterClose(): void {
    if (this.counter > this.marked) this.writeSync(this.counter)
  }

  private bump(): void {
    this.dirty = false
    this.bumping = true
    const next = this.counter + 1
    this.commits.add(this.db.prepare(`PRAGMA user_version = ${next}`), []) // a pragma takes no parameters; prepared once a second
    this.commits.afterCommit(() => {
      this.counter = next
      this.bumping = false
      if (!this.closed) this.writing = this.writing.then(() => this.write(next)).catch(() => {}) // a mark behind is safe; the next raise writes it
    })
  }

  private async write(commit: number): Promise<void> {
    if (commit <= this.marked) return
    if (this.syncWal) await syncFile(`${this.path}-wal`, true)
    const file = markFile(this.path)
    const tmp = `${file}.${process.pid}.${++this.writes}.tmp`
    const handle = await open(tmp, 'w')
    try {
      await handle.writeFile(markText(commit))
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, file)
    await syncFile(dirname(file))
    this.marked = Math.max(this.marked, commit)
  }

  private writeSync(commit: number): void {
    const file = markFile(this.path)
    const tmp = `${file}.${process.pid}.${++this.writes}.tmp`
    const fd = openSync(tmp, 'w')
    try {
      writeSync(fd, markText(commit))
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, file)
    try {
      const dir = openSync(dirname(file), 'r')
      try {
        fsyncSync(dir)
      } finally {
        closeSync(dir)
      }
    } catch {
      // a directory cannot be fsynced on every platform; the rename itself is atomic
    }
    this.marked = commit
  }
}

const markText = (commit: number) => `${JSON.stringify({ commit, at: new Date().toISOString() })}\n`

/**
 * fsync of a file or directory. A file that is gone is fine (a WAL checkpointed away: its commits are in the
 * synced database file), and so is a directory the platform cannot sync; with `required`, any other failure
 * throws, so that no mark is written for commits that may not be durable.
 */
async function syncFile(path: string, required = false): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(path, 'r')
  } catch (error) {
    if (required && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    return
  }
  try {
    await handle.sync()
  } catch (error) {
    if (required) throw error
  } finally {
    await handle.close()
  }
}
