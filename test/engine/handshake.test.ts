import { afterEach, describe, expect, it } from 'vitest'
import { flow } from '../../runtime/engine/index.js'
import { UnexpectedFlowEndError, type ProtocolState } from '../../runtime/protocol/session/index.js'
import type { AnyProtocol } from '../../runtime/protocol/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { familyOf, versionSpec } from './support/family.js'
import { PingV1, PingV1Changed, PingV2, PingV3 } from './support/protocols.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

type S = ProtocolState
const initiatorHandlers = {
  v1: async (s: S) => {
    const { payload, next } = await (await s.send('hi')).receive()
    return next.end(`v1:${payload.unwrap((p) => p)}`)
  },
  v2: async (s: S) => {
    const { payload, next } = await (await s.send('hi')).receive()
    return (await next.send('thanks')).end(`v2:${payload.unwrap((p) => p)}`)
  },
  v3: async (s: S) => {
    const { payload, next } = await (await s.send(1)).receive()
    return next.end(`v3:${payload.unwrap((p) => p)}`)
  },
}
const responderHandlers = {
  v1: async (s: S) => {
    const { next } = await s.receive()
    return (await next.send('pong')).end()
  },
  v2: async (s: S) => {
    const { next } = await s.receive()
    const { next: n2 } = await (await next.send('pong')).receive()
    return n2.end()
  },
  v3: async (s: S) => {
    const { next } = await s.receive()
    return (await next.send(2)).end()
  },
}

function pinger(...versions: AnyProtocol[]) {
  const family = familyOf(...versions)
  const handlers = Object.fromEntries(versions.map((v) => [`v${v.version}`, initiatorHandlers[`v${v.version}` as 'v1']]))
  return flow(`pinger-${versions.map((v) => v.version).join('')}`, async (ctx) => family.initiate(ctx, 'Bob', handlers))
}
function ponger(...versions: AnyProtocol[]) {
  const handlers = Object.fromEntries(versions.map((v) => [`v${v.version}`, responderHandlers[`v${v.version}` as 'v1']]))
  return familyOf(...versions).responder(handlers)
}

async function run(initiatorVersions: AnyProtocol[], responderVersions: AnyProtocol[] | null) {
  cluster = new Cluster()
  const seen = cluster.recordSends()
  const alice = await cluster.add('Alice')
  await cluster.add('Bob', { responders: responderVersions ? [ponger(...responderVersions)] : [] })
  const result = alice.startFlow(pinger(...initiatorVersions), undefined).result
  return { result, seen }
}

describe('handshake', () => {
  it('picks the highest common version', async () => {
    await expect((await run([PingV1, PingV2], [PingV1, PingV2])).result).resolves.toBe('v2:pong')
    await cluster.stopAll()
    await expect((await run([PingV1, PingV2], [PingV1])).result).resolves.toBe('v1:pong')
  })

  it('sends the first payload with the init when one version is offered', async () => {
    const { result, seen } = await run([PingV1], [PingV1, PingV2])
    await expect(result).resolves.toBe('v1:pong')
    const init = seen.find((e) => e.body.t === 'init')!
    expect(init.body).toMatchObject({
      t: 'init',
      protocol: 'Ping',
      versions: [{ version: 1, hash: versionSpec(PingV1).hash }],
      first: { kind: 'data', label: 'ping', payload: 'hi' },
    })
    // init+ping, confirm, pong, end from each side: no separate ping message
    // (each message once: a re-send while its acknowledgement travels carries the same id)
    const data = new Map(seen.filter((e) => e.body.t === 'data').map((e) => [e.id, (e.body as { frame: { label: string } }).frame.label]))
    expect([...data.values()]).toEqual(['pong'])
  })

  it('holds an init when no responder is registered; an operator reject reaches the initiator, naming protocol and node', async () => {
    const { result } = await run([PingV1], null)
    const outcome = result.catch((e: unknown) => e)
    const bob = cluster.node('Bob')
    await eventually(async () => (await bob.hospital.heldInits()).length === 1)
    const [held] = await bob.hospital.heldInits()
    expect(held).toMatchObject({ sender: 'Alice', protocol: 'Ping', reason: 'no responder registered for Ping on node Bob' })
    expect(await bob.hospital.rejectSessionInit(held!.id)).toBe(true)
    const error = await outcome
    expect(error).toBeInstanceOf(UnexpectedFlowEndError)
    expect((error as Error).message).toBe(
      'Bob rejected the Ping session: no responder registered for Ping on node Bob; an operator of Bob rejected the held session.',
    )
    expect(await bob.hospital.heldInits()).toEqual([])
    expect(await bob.hospital.rejectSessionInit(held!.id)).toBe(false)
  })

  it('rejects when no version is common, listing both ranges', async () => {
    const { result } = await run([PingV1, PingV2], [PingV3])
    await expect(result).rejects.toThrow('no common version of Ping: initiator supports 1-2, responder supports 3')
  })

  it('rejects the same version number with a different definition, naming both hashes', async () => {
    const { result } = await run([PingV1Changed], [PingV1])
    const error = (await result.catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(UnexpectedFlowEndError)
    expect(error.message).toContain(`initiator's definition hash is ${versionSpec(PingV1Changed).hash} but Bob's is ${versionSpec(PingV1).hash}`)
    expect(error.message).toContain('bump the version number')
  })
})
