/**
 * A node app whose one flow (after a durable timer of `sleepMs`, or at once) takes an exclusive lock on the
 * node's own database through a second connection and keeps it: the node's next commit fails (SQLITE_BUSY),
 * as when another program holds the file. For the tests of a node process that stops on a fatal store error.
 */
import Database from 'better-sqlite3'
import { z } from 'zod'
import { flow, nodeApp } from '../../../runtime/index.js'

const holders: Database.Database[] = []

export const lockStore = flow(
  'lock-store',
  z.object({ database: z.string().min(1), sleepMs: z.number().int().nonnegative() }),
  async (ctx, { database, sleepMs }) => {
    if (sleepMs > 0) await ctx.sleep(sleepMs)
    await ctx.step('lock', () => {
      const holder = new Database(database)
      holder.exec('BEGIN EXCLUSIVE')
      holders.push(holder)
      return true
    })
    return 'committed despite the lock'
  },
)

export default nodeApp({ flows: [lockStore], responders: [] })
