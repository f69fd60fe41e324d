/**
 * A node app whose one flow (after a durable timer of `sleepMs`, or at once) damages the node's own database
 * through a second connection, as another program could: it renames the journal table away, so the node's
 * next commit fails with an error that does not clear (a busy or full disk would be retried instead). For the
 * tests of a node process that stops on a fatal store error.
 */
import Database from 'better-sqlite3'
import { z } from 'zod'
import { flow, nodeApp } from '../../../runtime/index.js'

const holders: Database.Database[] = []

export const damageStore = flow(
  'damage-store',
  z.object({ database: z.string().min(1), sleepMs: z.number().int().nonnegative() }),
  async (ctx, { database, sleepMs }) => {
    if (sleepMs > 0) await ctx.sleep(sleepMs)
    await ctx.step('damage', () => {
      const other = new Database(database)
      other.exec('ALTER TABLE journal RENAME TO journal_moved_away')
      holders.push(other)
      return true
    })
    return 'committed despite the damage'
  },
)

export default nodeApp({ flows: [damageStore], responders: [] })
