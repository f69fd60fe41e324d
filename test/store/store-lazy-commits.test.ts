/**
 * Reads and commit promises of the store port that workers lean on, on both backends: the timers of named
 * flows only (a worker adopting a batch), and when an acknowledged message's lazy outbox delete is durable
 * (`commitLazily`, which the NATS transport waits for before confirming the acknowledgement to the broker).
 */
import { describe, expect, it } from 'vitest'
import { allBytes, backends, withStore } from './support/store-backends.js'

describe.each(backends)('the store port on $name', (backend) => {
  it("reads every flow's timers, or only the named flows' timers", async () => {
    await withStore(backend, async (store) => {
      store.putTimer('a', 't1', 10)
      store.putTimer('a', 't2', 20)
      store.putTimer('b', 't1', 30)
      store.putTimer('c', 't1', 40)
      await store.commits.commit()
      const sorted = (rows: { flow_id: string; key: string; due: number }[]) => rows.map((r) => `${r.flow_id}/${r.key}@${r.due}`).sort()
      expect(sorted(await store.timers())).toEqual(['a/t1@10', 'a/t2@20', 'b/t1@30', 'c/t1@40'])
      expect(sorted(await store.timers(['a', 'c', 'nobody']))).toEqual(['a/t1@10', 'a/t2@20', 'c/t1@40'])
      expect(await store.timers([])).toEqual([])
    })
  })

  it("tells when an acknowledged message's delete is durable, without a commit of its own before the lazy delay", async () => {
    await withStore(backend, async (store) => {
      store.putOutbox('m1', 's1', allBytes)
      await store.commits.commit()
      const before = store.commits.stats.transactions
      store.deleteAcknowledged('m1')
      let durable = false
      const lazily = store.commits.commitLazily().then(() => (durable = true))
      await new Promise((resolve) => setImmediate(resolve))
      expect(durable).toBe(false) // not on this turn: it waits for the next commit, or the lazy delay
      await lazily
      expect(store.commits.stats.transactions - before).toBe(1)
      expect(await store.outbox()).toEqual([])
      // Riding on a commit someone else forces: durable with it, in the same transaction.
      store.putOutbox('m2', 's1', allBytes)
      await store.commits.commit()
      store.deleteAcknowledged('m2')
      const rides = store.commits.commitLazily()
      store.putJournal('a', '#0', Buffer.from('j'))
      await Promise.all([rides, store.commits.commit()])
      expect(store.commits.stats.transactions - before).toBe(3)
      expect(await store.outbox()).toEqual([])
    })
  })
})
