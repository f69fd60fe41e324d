/**
 * A start whose commit fails stops the node (fail-stop) without an unhandled rejection: a caller that never
 * looks at `started` must not see its process crash over it.
 */
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { flow } from '../../runtime/engine/index.js'
import { Cluster } from './support/cluster.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

it('a caller that ignores `started` of a flow whose first commit fails gets no unhandled rejection', async () => {
  cluster = new Cluster()
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => void unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  try {
    // Before the start's batch commits, another program removes a table the node writes to.
    const breakStore = flow('break-store', async (ctx) =>
      ctx.step('drop', () => {
        const other = new Database(join(cluster.dir, 'A.db'))
        other.exec('DROP TABLE journal')
        other.close()
        return true
      }),
    )
    const errors: string[] = []
    const node = await cluster.add('A', { flows: [breakStore], logger: { info() {}, warn() {}, error: (message) => void errors.push(message) } })
    const halted = new Promise<void>((resolve) => node.events.subscribe({ complete: resolve }))
    node.startFlow(breakStore, undefined) // `started` and `result` never looked at
    await halted
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(errors).toHaveLength(1)
    expect(unhandled).toEqual([])
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
})
