/**
 * InMemoryNetwork without nodes: endpoints that record what reaches them. Delivery and acknowledgement,
 * manual stepping, each fault (drop, duplicate, reorder, delay, hold, lost acknowledgements), a party
 * that crashes and re-attaches, and seeded fault plans that give the same schedule on every run.
 */
import { describe, expect, it } from 'vitest'
import { type FaultPlan, InMemoryNetwork, type InMemoryNetworkOptions, NetworkEndpointError } from '../../runtime/network/index.js'
import { dataEnvelope, recordingEndpoint, turn } from './support/recording-endpoint.js'

function pair(options: InMemoryNetworkOptions = {}) {
  const network = new InMemoryNetwork(options)
  const a = recordingEndpoint()
  const b = recordingEndpoint()
  const portA = network.attach('A', a)
  const portB = network.attach('B', b)
  return { network, a, b, portA, portB }
}

const sendAll = (port: { send: (e: ReturnType<typeof dataEnvelope>) => void }, count: number): void => {
  for (let seq = 0; seq < count; seq++) port.send(dataEnvelope(seq))
}

describe('InMemoryNetwork: delivery', () => {
  it('delivers a copy of the envelope on the next turn and acknowledges it to the sender', async () => {
    const { network, a, b, portA } = pair()
    const envelope = dataEnvelope(0)
    portA.send(envelope)
    expect(b.delivered).toEqual([])
    await turn()
    expect(b.envelopes).toEqual([envelope])
    expect(b.envelopes[0]).not.toBe(envelope)
    await turn()
    expect(a.acked).toEqual(['m0'])
    expect(network.stats).toEqual({ sent: 1, delivered: 1, dropped: 0, duplicated: 0, acked: 1 })
  })

  it('tells attached parties when another one joins, and refuses a second attach under one name', async () => {
    const { network, a } = pair()
    await turn()
    expect(a.peers).toEqual(['B'])
    const c = recordingEndpoint()
    network.attach('C', c)
    await turn()
    expect(a.peers).toEqual(['B', 'C'])
    expect(() => network.attach('A', recordingEndpoint())).toThrow(NetworkEndpointError)
    expect(() => network.attach('A', recordingEndpoint())).toThrow('A is already attached to this network; stop or crash the old node first.')
  })

  it('does not acknowledge, nor count as delivered, an envelope the receiver failed to process', async () => {
    const { network, a, b, portA } = pair({ mode: 'manual' })
    b.onDeliver = () => {
      throw new Error('disk full')
    }
    portA.send(dataEnvelope(0))
    await network.settle()
    expect(a.acked).toEqual([])
    expect(network.stats.delivered).toBe(0)
  })
})

describe('InMemoryNetwork: manual stepping', () => {
  it('moves nothing until stepped, then one item per step, oldest first, acknowledgements queued behind', async () => {
    const { network, a, b, portA } = pair({ mode: 'manual' })
    sendAll(portA, 3)
    await turn()
    expect(b.delivered).toEqual([])
    expect(network.pending).toBe(3)
    expect(await network.step()).toBe(true)
    expect(b.delivered).toEqual(['m0'])
    expect(network.pending).toBe(3) // m1, m2 and the acknowledgement of m0
    await network.step()
    await network.step()
    expect(b.delivered).toEqual(['m0', 'm1', 'm2'])
    expect(a.acked).toEqual([])
    await network.settle()
    expect(a.acked).toEqual(['m0', 'm1', 'm2'])
    expect(await network.step()).toBe(false)
  })

  it('fails settle with NetworkUnsettledError when parties keep the network busy', async () => {
    const { network, b, portB } = pair({ mode: 'manual' })
    let seq = 0
    b.onDeliver = () => portB.send(dataEnvelope(++seq, 'B', 'B'))
    portB.send(dataEnvelope(0, 'B', 'B'))
    await expect(network.settle(10)).rejects.toThrow('The network did not settle within 10 steps; a flow may be looping.')
  })
})

describe('InMemoryNetwork: faults', () => {
  it('drops envelopes: the receiver sees nothing, the sender gets no acknowledgement', async () => {
    const { network, a, b, portA } = pair({ mode: 'manual', faults: { drop: 1 } })
    sendAll(portA, 3)
    await network.settle()
    expect(b.delivered).toEqual([])
    expect(a.acked).toEqual([])
    expect(network.stats).toMatchObject({ sent: 3, dropped: 3, delivered: 0 })
  })

  it('duplicates envelopes: each arrives twice, with the same id', async () => {
    const { network, b, portA } = pair({ mode: 'manual', faults: { duplicate: 1 } })
    sendAll(portA, 2)
    await network.settle()
    expect(b.delivered).toEqual(['m0', 'm0', 'm1', 'm1'])
    expect(network.stats).toMatchObject({ sent: 2, duplicated: 2, delivered: 4 })
  })

  it('reorders envelopes in manual mode: all arrive, not in send order', async () => {
    const { network, b, portA } = pair({ mode: 'manual', faults: { reorder: 1, seed: 3 } })
    sendAll(portA, 8)
    await network.settle()
    expect([...b.delivered].sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'])
    expect(b.delivered).not.toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'])
  })

  it('reorders a batch in auto mode', async () => {
    const { b, portA } = pair({ faults: { reorder: 1, seed: 5 } })
    sendAll(portA, 8)
    await turn()
    expect([...b.delivered].sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'])
    expect(b.delivered).not.toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'])
  })

  it('delays envelopes in auto mode, by a fixed time or per envelope by rule', async () => {
    const { b, portA } = pair({ faults: { delayMs: 40, rule: (e) => (e.id === 'm1' ? { delayMs: 120 } : undefined) } })
    const sentAt = Date.now()
    sendAll(portA, 2)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(b.delivered).toEqual([])
    while (b.delivered.length < 1) await turn()
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(35)
    expect(b.delivered).toEqual(['m0'])
    while (b.delivered.length < 2) await turn()
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(110)
  })

  it('loses acknowledgements: the envelope is delivered, the sender never hears', async () => {
    const { network, a, b, portA } = pair({ mode: 'manual', faults: { dropAck: 1 } })
    sendAll(portA, 2)
    await network.settle()
    expect(b.delivered).toEqual(['m0', 'm1'])
    expect(a.acked).toEqual([])
    expect(network.stats.acked).toBe(0)
  })

  it('holds envelopes a rule says to hold until released, all or by filter', async () => {
    const { network, b, portA } = pair({ mode: 'manual', faults: { rule: (e) => (e.id === 'm0' ? 'deliver' : 'hold') } })
    sendAll(portA, 3)
    await network.settle()
    expect(b.delivered).toEqual(['m0'])
    expect(network.onHold.map((e) => e.id)).toEqual(['m1', 'm2'])
    network.release((e) => e.id === 'm2')
    await network.settle()
    expect(b.delivered).toEqual(['m0', 'm2'])
    network.release()
    await network.settle()
    expect(b.delivered).toEqual(['m0', 'm2', 'm1'])
    expect(network.onHold).toEqual([])
  })

  it('lets a rule decide before the probabilities, and setFaults switch the plan', async () => {
    const { network, b, portA } = pair({ mode: 'manual', faults: { drop: 1, rule: (e) => (e.id === 'm1' ? 'deliver' : undefined) } })
    sendAll(portA, 3)
    await network.settle()
    expect(b.delivered).toEqual(['m1'])
    network.setFaults({})
    portA.send(dataEnvelope(3))
    await network.settle()
    expect(b.delivered).toEqual(['m1', 'm3'])
  })
})

describe('InMemoryNetwork: crash and reopen', () => {
  it('loses what is sent to a detached party, and resumes delivery when it attaches again', async () => {
    const { network, a, b, portA, portB } = pair({ mode: 'manual' })
    portB.detach()
    portA.send(dataEnvelope(0))
    await network.settle()
    expect(b.delivered).toEqual([])
    expect(network.stats.dropped).toBe(1)
    const reopened = recordingEndpoint()
    network.attach('B', reopened)
    await turn()
    expect(a.peers).toContain('B')
    portA.send(dataEnvelope(1))
    await network.settle()
    expect(reopened.delivered).toEqual(['m1'])
    expect(a.acked).toEqual(['m1'])
  })

  it('sends nothing from a detached port, and sends no acknowledgement for a receiver that crashed mid-delivery', async () => {
    const { network, a, b, portA, portB } = pair({ mode: 'manual' })
    portB.detach()
    portB.send(dataEnvelope(0, 'B', 'A'))
    expect(network.pending).toBe(0)
    const c = recordingEndpoint()
    const portC = network.attach('C', c)
    c.onDeliver = () => portC.detach()
    portA.send(dataEnvelope(1, 'A', 'C'))
    await network.settle()
    expect(c.delivered).toEqual(['m1'])
    expect(a.acked).toEqual([])
    expect(b.delivered).toEqual([])
  })
})

describe('InMemoryNetwork: seeded fault plans', () => {
  /** What reaches B and what comes back to A, in order, for 30 envelopes under `faults`. */
  async function schedule(faults: FaultPlan): Promise<string[]> {
    const { network, a, b, portA } = pair({ mode: 'manual', faults })
    const trace: string[] = []
    b.onDeliver = (e) => trace.push(`deliver ${e.id}`)
    a.acknowledged = (id) => void trace.push(`ack ${id}`)
    sendAll(portA, 30)
    await network.settle()
    expect(b.delivered.length).toBeGreaterThan(0)
    return trace
  }
  const plan = { drop: 0.2, duplicate: 0.2, reorder: 0.5, dropAck: 0.3 }

  it('gives the same schedule twice for the same seed', async () => {
    const first = await schedule({ ...plan, seed: 11 })
    expect(await schedule({ ...plan, seed: 11 })).toEqual(first)
    expect(first.filter((t) => t.startsWith('deliver')).length).not.toBe(30)
  })

  it('gives another schedule for another seed', async () => {
    expect(await schedule({ ...plan, seed: 12 })).not.toEqual(await schedule({ ...plan, seed: 11 }))
  })

  it('restarts the sequence from the seed when setFaults installs a plan', async () => {
    const { network, b, portA } = pair({ mode: 'manual', faults: { drop: 0.5, seed: 9 } })
    sendAll(portA, 20)
    await network.settle()
    const firstRun = [...b.delivered]
    b.delivered.length = 0
    network.setFaults({ drop: 0.5, seed: 9 })
    sendAll(portA, 20)
    await network.settle()
    expect(b.delivered).toEqual(firstRun)
  })
})
