/**
 * Each version's own declared errors, as generated modules type them (`X.v1.errors`, `X.v2.errors`), next to the
 * family-wide `X.errors`; a family narrowed with only() keeps every declared version's error objects.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { FlowException, type ProtocolFamily, type VersionErrors, protocol, protocolFamily } from '../../../runtime/protocol/index.js'
import { specOf } from './support/scripted-channel.js'

const roles = { initiator: 'Client', responder: 'Server' }
const V1 = protocol('Ping', { version: 1, ...roles })
  .errors({ Busy: z.object({ retryAfter: z.number() }) })
  .send('ping', z.number())
  .end()
const V2 = protocol('Ping', { version: 2, ...roles })
  .errors({ Busy: z.object({ retryAfter: z.number(), queue: z.string() }), Closed: z.object({ until: z.string() }) })
  .send('ping', z.string())
  .end()

type PingFamily = ProtocolFamily & { readonly v1: VersionErrors; readonly v2: VersionErrors }
const family = protocolFamily<PingFamily>({ name: 'Ping', versions: [specOf(V1), specOf(V2)] })

describe('errors per version', () => {
  it("gives each version its own errors: v1 has no Closed, v2's Busy validates v2's details", () => {
    expect(Object.keys(family.v1.errors)).toEqual(['Busy'])
    expect(Object.keys(family.v2.errors)).toEqual(['Busy', 'Closed'])
    expect(Object.keys(family.errors)).toEqual(['Busy', 'Closed'])
    const busy = family.v2.errors.Busy!.create({ retryAfter: 5, queue: 'q1' }, 'try later')
    expect(busy).toBeInstanceOf(FlowException)
    expect([busy.protocol, busy.errorType, busy.message]).toEqual(['Ping', 'Busy', 'try later'])
    expect(family.v1.errors.Busy!.is(busy)).toBe(true)
  })

  it("keeps every declared version's errors on a family narrowed with only(), as the generated types say", () => {
    const old = family.only(1) as PingFamily
    expect(old.versions.map((v) => v.table.version)).toEqual([1])
    expect(Object.keys(old.v2.errors)).toEqual(['Busy', 'Closed'])
    expect(Object.keys(old.errors)).toEqual(['Busy', 'Closed'])
  })
})
