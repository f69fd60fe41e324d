/**
 * Containment of faults while flows are brought back into memory: a store read that throws when an
 * evicted flow is rehydrated (for a message or for its timer), and a journal row that cannot be read when
 * the node opens, fail that flow with a clear error, tell its peer, and leave the node serving the others;
 * the node opens again without failing on that flow. A kill whose store read throws can be repeated.
 */
import { describe, expect, it } from 'vitest'
import type { FlowEndEvent } from '../../runtime/engine/index.js'
import { UnexpectedFlowEndError } from '../../runtime/protocol/session/index.js'
import type { JournalRow } from '../../runtime/store/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { answerTo, answering, asking, before } from './support/containment-flows.js'
import { type StoreFaults, addFaulty, containmentTests, flowOf } from './support/faults.js'

let cluster: Cluster
const watch = containmentTests(() => cluster)

/** Bob's first responder flow, and a switch that makes the next read of its journal throw (once). */
function journalReadFault(): StoreFaults & { target(): string | undefined; arm(): void } {
  let target: string | undefined
  let armed = false
  return {
    target: () => target,
    arm: () => {
      armed = true
    },
    fail(method, args) {
      if (method === 'insertFlow' && args[2] === 'responder') target ??= args[0] as string
      if (!armed || method !== 'journalOf' || flowOf(method, args) !== target) return false
      armed = false
      return true
    },
  }
}

describe('containment while flows are rehydrated and recovered', () => {
  it('an evicted flow whose rehydration for a message fails ends with an error, and its peer sees the flow end', async () => {
    cluster = new Cluster()
    const ended: FlowEndEvent[] = []
    const faults = journalReadFault()
    const alice = await addFaulty(cluster, 'Alice', { flows: [asking] })
    const bob = await addFaulty(cluster, 'Bob', { responders: [answering], evictIdleAfterMs: 0, store: faults, onFlowEnd: (e) => ended.push(e) })
    const handle = alice.startFlow(asking, { n: 1, pauseMs: 200 })
    await eventually(() => bob.stats.evictions > 0)
    faults.arm()
    await expect(handle.result).rejects.toBeInstanceOf(UnexpectedFlowEndError)
    await eventually(() => ended.length > 0)
    expect((ended[0]!.error as Error).message).toMatch(/injected journalOf failure/)
    expect(await alice.startFlow(asking, { n: 2 }).result).toBe(answerTo(2))
    expect(watch.errors).toEqual([])
  })

  it('an evicted flow whose rehydration for its timer fails ends with an error, and its peer sees the flow end', async () => {
    cluster = new Cluster()
    const ended: FlowEndEvent[] = []
    const faults = journalReadFault()
    before.set(1, (ctx) => ctx.sleep(150))
    const alice = await addFaulty(cluster, 'Alice', { flows: [asking] })
    const bob = await addFaulty(cluster, 'Bob', { responders: [answering], evictIdleAfterMs: 0, store: faults, onFlowEnd: (e) => ended.push(e) })
    const handle = alice.startFlow(asking, { n: 1 })
    await eventually(() => bob.stats.evictions > 0)
    faults.arm()
    await expect(handle.result).rejects.toBeInstanceOf(UnexpectedFlowEndError)
    await eventually(() => ended.length > 0)
    expect((ended[0]!.error as Error).message).toMatch(/injected journalOf failure/)
    expect(await alice.startFlow(asking, { n: 2 }).result).toBe(answerTo(2))
    expect(watch.errors).toEqual([])
  })

  it('a flow whose journal cannot be read at open fails alone: the node opens, tells the peer, and opens again', async () => {
    cluster = new Cluster()
    let target: string | undefined
    before.set(1, (ctx) => ctx.sleep(60_000))
    const alice = await addFaulty(cluster, 'Alice', { flows: [asking] })
    const bob = await addFaulty(cluster, 'Bob', {
      responders: [answering],
      store: { fail: (method, args) => (method === 'insertFlow' && args[2] === 'responder' && (target ??= args[0] as string), false) },
    })
    const handle = alice.startFlow(asking, { n: 1 })
    await eventually(async () => (await bob.tableCounts()).timers === 1)
    bob.crash()
    // The reopened store hands recovery a corrupt journal row for that flow.
    const corrupt: StoreFaults = {
      rewrite: (method, result) => {
        if (method !== 'allJournals') return result
        const journals = result as Map<string, JournalRow[]>
        const rows = journals.get(target!)
        if (rows)
          journals.set(
            target!,
            rows.map((row) => ({ ...row, entry: Buffer.from('not a journal entry') })),
          )
        return journals
      },
    }
    const ended: FlowEndEvent[] = []
    const reopened = await addFaulty(cluster, 'Bob', { responders: [answering], store: corrupt, onFlowEnd: (e) => ended.push(e) })
    await expect(handle.result).rejects.toBeInstanceOf(UnexpectedFlowEndError)
    await eventually(() => ended.length > 0)
    expect(ended[0]!.flowId).toBe(target)
    expect(String((ended[0]!.error as Error).message)).toMatch(/Flow 'Rounds'/)
    expect(await alice.startFlow(asking, { n: 2 }).result).toBe(answerTo(2))
    expect(await reopened.unfinishedFlows()).toEqual([])
    reopened.crash()
    const again = await addFaulty(cluster, 'Bob', { responders: [answering], store: corrupt })
    expect(await again.unfinishedFlows()).toEqual([])
    expect(watch.errors).toEqual([])
  })

  it('a kill whose store read throws rejects, and the same kill succeeds when repeated', async () => {
    cluster = new Cluster()
    let armed = false
    before.set(1, (ctx) => ctx.sleep(60_000))
    const alice = await addFaulty(cluster, 'Alice', { flows: [asking] })
    const bob = await addFaulty(cluster, 'Bob', {
      responders: [answering],
      store: {
        fail: (method) => {
          if (!armed || method !== 'outboxOf') return false
          armed = false
          return true
        },
      },
    })
    const handle = alice.startFlow(asking, { n: 1 })
    await eventually(async () => (await bob.tableCounts()).timers === 1)
    const [flow] = await bob.unfinishedFlows()
    armed = true
    await expect(bob.killFlow(flow!.id)).rejects.toThrow(/injected outboxOf failure/)
    expect(bob.parkedFlows().map((p) => p.flowId)).toEqual([flow!.id])
    await expect(bob.killFlow(flow!.id)).resolves.toBe(true)
    await expect(handle.result).rejects.toBeInstanceOf(UnexpectedFlowEndError)
    expect(await alice.startFlow(asking, { n: 2 }).result).toBe(answerTo(2))
    expect(watch.errors).toEqual([])
  })
})
