/**
 * A completion finishes only the run it came from: not another session's handler, and not a later inline run
 * of the same sub-protocol on the same session (each inline run is a run of its own).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type Completion, type ProtocolState, ProtocolViolationError, protocol, protocolFamily } from '../../../runtime/protocol/index.js'
import { scriptedChannel, scriptedContext, specOf } from './support/scripted-channel.js'

const Approval = protocol('Approval', { version: 1, initiator: 'Asker', responder: 'Approver' })
  .send('request', z.object({ what: z.string() }))
  .receive('verdict', z.object({ approved: z.boolean() }))
  .end()
const DoubleApproval = protocol('DoubleApproval', { version: 1, initiator: 'Maker', responder: 'Checker' })
  .send('draft', z.string())
  .inline(Approval, { label: 'first', roles: { Asker: 'Maker', Approver: 'Checker' } })
  .inline(Approval, { label: 'second', roles: { Asker: 'Maker', Approver: 'Checker' } })
  .end()

const approvalSpec = specOf(Approval)
const family = protocolFamily({ name: 'DoubleApproval', versions: [specOf(DoubleApproval, { first: approvalSpec, second: approvalSpec })] })
const verdict = (label: string) => ({ kind: 'data' as const, label: `${label}.verdict`, payload: { approved: true } })
const maker = () => scriptedChannel({ protocol: 'DoubleApproval', version: 1, role: 'Maker', incoming: [verdict('first'), verdict('second')] })

const ask = async (s: ProtocolState): Promise<Completion> => {
  const { next } = await (await s.send({ what: 'x' })).receive()
  return next.end(true)
}

describe('completions are checked against the run they finish', () => {
  it('runs the sub-protocol twice when each inline run ends itself', async () => {
    const channel = maker()
    const result = await family.initiate(scriptedContext(channel), 'Checker', {
      v1: async (s) => {
        const first = await (await s.send('draft')).inline(ask)
        const second = await first.next.inline(ask)
        return second.next.end([first.result, second.result])
      },
    })
    expect(result).toEqual([true, true])
    expect(channel.sent.map((f) => f.label)).toEqual(['draft', 'first.request', 'second.request'])
  })

  it("refuses the first inline run's completion returned for the second", async () => {
    let kept: Completion | undefined
    const run = family.initiate(scriptedContext(maker()), 'Checker', {
      v1: async (s) => {
        const first = await (await s.send('draft')).inline(async (a) => {
          kept = await ask(a)
          return kept
        })
        const second = await first.next.inline(async () => kept)
        return second.next.end()
      },
    })
    await expect(run).rejects.toThrow(ProtocolViolationError)
    await expect(run).rejects.toThrow(
      'the inlined Approval implementation for Approval v1 Asker returned the completion of another run (another session, or an earlier inline run of the same sub-protocol)',
    )
  })

  it("refuses another session's completion, of the same protocol and role", async () => {
    const Ping = protocol('Ping', { version: 1, initiator: 'Client', responder: 'Server' }).send('ping', z.number()).end()
    const ping = protocolFamily({ name: 'Ping', versions: [specOf(Ping)] })
    const channel = () => scriptedChannel({ protocol: 'Ping', version: 1, role: 'Client' })
    let kept: Completion | undefined
    await ping.initiate(scriptedContext(channel()), 'Server', {
      v1: async (s) => {
        kept = (await s.send(1)).end()
        return kept
      },
    })
    const reused = ping.initiate(scriptedContext(channel()), 'Server', { v1: async () => kept })
    await expect(reused).rejects.toThrow('the v1 Client handler for Ping v1 Client returned the completion of another run')
  })
})
