/**
 * A session init Bob's hospital holds, through NATS JetStream: the `held` notice passes the wire schema (no
 * rejection), Alice's status says her init is held, and Bob restarted with the responder answers it.
 */
import { afterEach, expect, it } from 'vitest'
import { flow } from '../../runtime/engine/index.js'
import { type BobSaw, ask, doubler } from '../engine/hospital/patients.js'
import { eventually } from '../transport/support/tcp-cluster.js'
import { NatsCluster } from './support/nats-cluster.js'

let cluster: NatsCluster | undefined
afterEach(async () => {
  await cluster?.stopAll()
  cluster = undefined
})

it('tells the initiator its init is held, then completes once the responder is installed', async () => {
  const saw: BobSaw = { questions: [], ended: undefined }
  const asker = flow('asker-over-nats', async (ctx) => (await ask(ctx, 21)).answer)
  cluster = NatsCluster.create(['Alice', 'Bob'])
  const alice = await cluster.up('Alice', { flows: [asker] })
  await cluster.up('Bob')
  const { flowId, result } = alice.startFlow(asker, undefined)
  await eventually(async () => String(JSON.stringify((await alice.flowStatus(flowId))?.waitingFor)).includes('"held"'), 10_000, 'the held notice')
  expect(cluster.member('Alice').network!.stats.rejected).toEqual({})
  await cluster.down('Bob')
  await cluster.up('Bob', { responders: [doubler(saw)] })
  await expect(result).resolves.toBe(42)
})
