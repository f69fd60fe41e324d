/**
 * Closing a PostgreSQL store waits for its last commit: `close()` resolves once the batch queued before it
 * committed and the connections are closed, and `node.stop()` of a worker resolves only then, so what the
 * node wrote before it stopped is in the database when the next worker or process looks.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { flow } from '../../runtime/engine/index.js'
import { PgFlowStore } from '../../runtime/store/postgres/pg-flow-store.js'
import { testDatabaseUrl } from './support/pg-schema.js'
import { WorkerNodes } from './support/worker-nodes.js'

let nodes: WorkerNodes
beforeEach(async () => {
  nodes = await WorkerNodes.create()
})
afterEach(async () => {
  await nodes.stopAll()
})

const napper = flow('napper', z.number(), async (ctx, ms) => {
  await ctx.sleep(ms)
  return 'rested'
})

describe('closing a PostgreSQL store', () => {
  it('close() resolves once the batch queued before it committed', async () => {
    const store = await PgFlowStore.open({ url: testDatabaseUrl, schema: nodes.schema.name })
    for (let i = 0; i < 20_000; i++) store.putProcessed(`peer:message-${i}`, i)
    await store.close()
    expect(await nodes.rows('processed')).toBe(20_000)
    await store.closed // the same moment
    expect(await store.close()).toBeUndefined() // closing again waits for the same close
  })

  it("a worker's node.stop() resolves once what it wrote last is committed", async () => {
    const b1 = await nodes.worker({ flows: [napper] })
    const flowIds = Array.from({ length: 200 }, () => b1.node.startFlow(napper, 60_000).flowId)
    await b1.node.stop() // the starts are queued, not yet committed
    expect(await nodes.rows('flows')).toBe(flowIds.length)
  })
})
