/**
 * The store port's contract, run against both backends (SQLite file, PostgreSQL schema): every write read
 * back byte for byte, batches and their callbacks in order, what a finished flow leaves, the client-id
 * look-up on the caller's turn, crash and reopen, one node per store. Differences the port allows are
 * asserted as such (PostgreSQL answers `flowIdTaken` and `initAnswered` with undefined).
 */
import { describe, expect, it } from 'vitest'
import { StoreInUseError } from '../../runtime/store/store-errors.js'
import { storeClosed } from '../support/test-store.js'
import { allBytes, backends, withStore } from './support/store-backends.js'

describe.each(backends)('the store port on $name', (backend) => {
  it('keeps every write byte for byte and reads it back, committed state only', async () => {
    await withStore(backend, async (store, reopen) => {
      store.insertFlow('f1', 'trade', 'started', allBytes, 1000.5, { owner: 'alice', clientId: 'c-1' })
      store.putJournal('f1', '#0', allBytes)
      store.putJournal('f1', '#1', Buffer.from('one'))
      store.putJournal('f1', '#1', Buffer.from('replaced'))
      store.putSession({ key: 'i:s1', flow_id: 'f1', peer: 'Bob', protocol: 'Trade', version: null, status: 'opening', reason: null, hash: null })
      store.updateSession('i:s1', 'open', 2, null, 'sha256:abc')
      store.putInbox('i:s1', 1, 'f1', Buffer.from([0, 1]))
      store.putInbox('i:s1', 1, 'f1', Buffer.from([9])) // a second copy is ignored
      store.putOutbox('m2', 'i:s1', Buffer.from('second'))
      store.putOutbox('m1', 'i:s1', Buffer.from('first'))
      store.putProcessed('Bob:m0', 5)
      store.putTimer('f1', '#3', 10)
      store.putTimer('f1', '#3', 20.25)
      store.putSignal('f1', 'paid', Buffer.from('yes'), 7)
      store.putSignal('f1', 'paid', Buffer.from('again'), 8)
      store.setProgress('f1', '["Pricing"]')
      store.setWaiting('f1', '{"for":"receive"}')
      expect(await store.flow('f1')).toBeUndefined() // queued, not committed
      await store.commits.commit()
      for (const open of [async () => store, reopen]) {
        const s = await open()
        const flow = await s.flow('f1')
        expect(flow).toMatchObject({ id: 'f1', name: 'trade', kind: 'started', status: 'running', started_at: 1000.5, client_id: 'c-1', owner: 'alice' })
        expect(Buffer.compare(flow!.args!, allBytes)).toBe(0)
        const journal = (await s.journalOf('f1')).sort((a, b) => a.key.localeCompare(b.key))
        expect(journal.map((j) => [j.key, Buffer.from(j.entry).toString('hex')])).toEqual([
          ['#0', allBytes.toString('hex')],
          ['#1', Buffer.from('replaced').toString('hex')],
        ])
        expect((await s.allJournals()).get('f1')).toHaveLength(2)
        expect(await s.sessionsOf('f1')).toEqual([
          { key: 'i:s1', flow_id: 'f1', peer: 'Bob', protocol: 'Trade', version: 2, status: 'open', reason: null, hash: 'sha256:abc' },
        ])
        expect(await s.sessionFlow('i:s1')).toBe('f1')
        expect((await s.inboxOf('f1')).map((r) => [r.session_key, r.seq, [...r.event]])).toEqual([['i:s1', 1, [0, 1]]])
        expect((await s.outbox()).map((r) => [r.id, r.envelope.toString()])).toEqual([
          ['m2', 'second'],
          ['m1', 'first'],
        ])
        expect((await s.outboxOf('i:s1')).map((r) => r.id)).toEqual(['m2', 'm1'])
        expect(await s.isProcessed('Bob:m0')).toBe(true)
        expect(await s.isProcessed('Carol:m0')).toBe(false)
        expect(await s.timers()).toEqual([{ flow_id: 'f1', key: '#3', due: 20.25 }])
        expect((await s.signalsOf('f1')).map((r) => [r.name, r.payload.toString()])).toEqual([['paid', 'yes']])
        expect(await s.waitingOf('f1')).toBe('{"for":"receive"}')
        expect(await s.flowStatus('f1')).toEqual({
          id: 'f1',
          name: 'trade',
          kind: 'started',
          status: 'running',
          startedAt: 1000.5,
          clientId: 'c-1',
          owner: 'alice',
          progress: ['Pricing'],
        })
        expect(await s.runningFlowCount()).toBe(1)
        expect(await s.unfinishedFlows()).toEqual([
          { id: 'f1', name: 'trade', kind: 'started', startedAt: 1000.5, sessions: [{ peer: 'Bob', protocol: 'Trade', version: 2, status: 'open' }] },
        ])
        expect(await s.counts()).toEqual({ flows: 1, journal: 2, sessions: 1, inbox: 1, outbox: 2, processed: 1, timers: 1 })
      }
    })
  })

  it('leaves nothing behind a finished flow, and keeps only the outcome when told to', async () => {
    await withStore(backend, async (store) => {
      for (const id of ['gone', 'kept']) {
        store.insertFlow(id, 'trade', 'responder', null, 1, id === 'kept' ? { owner: '', clientId: 'k' } : undefined)
        store.putJournal(id, '#0', Buffer.from('x'))
        store.putSession({ key: `r:Bob:${id}`, flow_id: id, peer: 'Bob', protocol: 'T', version: 1, status: 'open', reason: null, hash: null })
        store.putInbox(`r:Bob:${id}`, 0, id, Buffer.from('e'))
        store.putTimer(id, '#1', 5)
        store.putSignal(id, 'go', Buffer.from('p'), 1)
      }
      await store.commits.commit()
      store.finishFlow('gone', null, { inbox: true, timers: true, signals: true })
      store.finishFlow('kept', { status: 'done', outcome: '{"v":1,"ok":true}', keepJournal: false }, { inbox: true, timers: true, signals: true })
      await store.commits.commit()
      expect(await store.counts()).toEqual({ flows: 1, journal: 0, sessions: 0, inbox: 0, outbox: 0, processed: 0, timers: 0 })
      expect(await store.signalsOf('gone')).toEqual([])
      expect(await store.outcomeOf('kept')).toBe('{"v":1,"ok":true}')
      expect(await store.finishedClientFlows('')).toEqual([{ client_id: 'k', status: 'done' }])
      expect(store.clientFlow({ owner: '', clientId: 'k' })).toMatchObject({ id: 'kept', status: 'done' })
      expect((await store.listFlows({ status: 'done' })).map((f) => f.id)).toEqual(['kept'])
      store.removeOutcome('kept')
      await store.commits.commit()
      expect(await store.counts()).toMatchObject({ flows: 0, journal: 0 })
      expect(store.clientFlow({ owner: '', clientId: 'k' })).toBeNull()
    })
  })

  it("answers the client-id look-up on the caller's turn from committed state, also after a reopen", async () => {
    await withStore(backend, async (store, reopen) => {
      store.insertFlow('f1', 'trade', 'started', null, 1, { owner: 'u', clientId: 'c' })
      expect(store.clientFlow({ owner: 'u', clientId: 'c' })).toBeNull()
      await store.commits.commit()
      expect(store.clientFlow({ owner: 'u', clientId: 'c' })).toMatchObject({ id: 'f1', status: 'running', client_id: 'c', owner: 'u' })
      expect(store.clientFlow({ owner: 'other', clientId: 'c' })).toBeNull()
      store.removeOutcome('f1') // a running flow's row stays
      await store.commits.commit()
      const again = await reopen()
      expect(again.clientFlow({ owner: 'u', clientId: 'c' })).toMatchObject({ id: 'f1' })
      expect(again.flowIdTaken('f1')).toBe(backend.name === 'sqlite' ? true : undefined)
      expect(again.initAnswered('Bob:m', 'r:Bob:s')).toBe(backend.name === 'sqlite' ? false : undefined)
    })
  })

  it("commits a turn's writes in one batch: bookkeeping, then after-commit callbacks, then waiters; batches in order", async () => {
    await withStore(backend, async (store) => {
      const order: string[] = []
      const before = store.commits.stats.transactions
      const batch = store.insertFlow('a', 'n', 'started', null, 1)
      expect(store.putJournal('a', '#0', Buffer.from('j'))).toBe(batch)
      store.commits.afterCommit(() => order.push(`after ${store.commits.committedBatch >= batch}`))
      const first = store.commits.commit().then(() => order.push('waiter 1'))
      await new Promise((resolve) => setImmediate(resolve))
      const next = store.putJournal('a', '#1', Buffer.from('k'))
      expect(next).toBeGreaterThan(batch)
      const second = store.commits.commit().then(() => order.push('waiter 2'))
      await Promise.all([first, second])
      expect(order).toEqual(['after true', 'waiter 1', 'waiter 2'])
      expect(store.commits.committedBatch).toBeGreaterThanOrEqual(next)
      expect(store.commits.stats.transactions - before).toBe(2)
      store.deleteAcknowledged('nothing') // lazily: rides on the next commit, or within 50 ms
      await new Promise((resolve) => setTimeout(resolve, 120))
      expect(store.commits.stats.transactions - before).toBe(3)
    })
  })

  it('leaves what the writes leave one by one when a batch mixes them: rewrites, deletes, a client id freed and taken again', async () => {
    await withStore(backend, async (store) => {
      store.insertFlow('old', 'n', 'started', null, 1, { owner: 'u', clientId: 'c' })
      await store.commits.commit()
      store.putJournal('old', '#0', Buffer.from('a'))
      store.putTimer('old', '#1', 5)
      store.finishFlow('old', null, { inbox: true, timers: true })
      store.insertFlow('new', 'n', 'started', null, 2, { owner: 'u', clientId: 'c' })
      store.putJournal('new', '#0', Buffer.from('1'))
      store.putJournal('new', '#0', Buffer.from('2'))
      store.setProgress('new', '["a"]')
      store.setProgress('new', '["b"]')
      store.putOutbox('m1', 'i:s', Buffer.from('1'))
      store.deleteOutbox('m1')
      store.putOutbox('m1', 'i:s', Buffer.from('again'))
      store.putOutbox('m2', 'i:s', Buffer.from('2'))
      store.putSession({ key: 'i:s', flow_id: 'new', peer: 'B', protocol: 'P', version: null, status: 'opening', reason: null, hash: null })
      store.updateSession('i:s', 'open', 1, null, 'h')
      await store.commits.commit()
      expect((await store.runningFlows()).map((f) => f.id)).toEqual(['new'])
      expect(store.clientFlow({ owner: 'u', clientId: 'c' })).toMatchObject({ id: 'new' })
      expect((await store.journalOf('new')).map((j) => j.entry.toString())).toEqual(['2'])
      expect(await store.flowStatus('new')).toMatchObject({ progress: ['b'] })
      expect((await store.outbox()).map((r) => [r.id, r.envelope.toString()])).toEqual([
        ['m1', 'again'],
        ['m2', '2'],
      ])
      expect(await store.sessionsOf('new')).toMatchObject([{ status: 'open', version: 1, hash: 'h' }])
      expect(await store.counts()).toMatchObject({ flows: 1, journal: 1, timers: 0, outbox: 2, sessions: 1 })
    })
  })

  it('forgets answered inits older than the window at once', async () => {
    await withStore(backend, async (store) => {
      store.putProcessed('A:old', 10)
      store.putProcessed('A:new', 100)
      await store.commits.commit()
      await store.purgeProcessed(50)
      expect([await store.isProcessed('A:old'), await store.isProcessed('A:new')]).toEqual([false, true])
    })
  })

  it('drops pending writes on crash, as kill -9 would, and keeps what committed', async () => {
    const id = backend.fresh()
    const store = await backend.open(id)
    store.insertFlow('committed', 'n', 'started', null, 1)
    await store.commits.commit()
    store.insertFlow('pending', 'n', 'started', null, 2)
    let resolved = false
    store.commits.commit().then(() => (resolved = true))
    store.crash()
    await storeClosed(store)
    const reopened = await backend.open(id)
    try {
      expect((await reopened.runningFlows()).map((f) => f.id)).toEqual(['committed'])
      expect(resolved).toBe(false)
    } finally {
      reopened.close()
      await storeClosed(reopened)
    }
  })

  it('belongs to one node at a time: a second opener is refused with StoreInUseError', async () => {
    const id = backend.fresh()
    const store = await backend.open(id)
    try {
      await expect(backend.open(id)).rejects.toBeInstanceOf(StoreInUseError)
    } finally {
      store.close()
      await storeClosed(store)
    }
  })
})
