/**
 * protocolIR and protocolHash: the IR states roles, direction and schemas explicitly, and the hash is a
 * function of what the protocol means, not of where or in which order its source was written.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { DemoV1, DemoV2 } from '../../../protocols/demo.protocol.js'
import { CollectSignaturesV1 } from '../../../protocols/collect-signatures.protocol.js'
import { TwoPartyTradeV1 } from '../../../protocols/two-party-trade.protocol.js'
import { type AnyProtocol, canonicalJson, protocol, protocolHash, protocolIR } from '../../../runtime/protocol/index.js'

const shop = (version = 1) => protocol('Shop', { version, initiator: 'Buyer', responder: 'Seller' })
const stepLine = (definition: AnyProtocol): number | undefined => definition.steps[0]?.at.location?.line

describe('protocolIR', () => {
  it('writes messages with explicit from/to and JSON Schema payloads, from the initiator view', () => {
    expect(protocolIR(DemoV1)).toEqual({
      name: 'Demo',
      version: 1,
      initiator: 'Alice',
      responder: 'Bob',
      errors: {},
      steps: [
        {
          op: 'message',
          label: 'amount',
          from: 'Alice',
          to: 'Bob',
          schema: { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
        },
        { op: 'message', label: 'greeting', from: 'Bob', to: 'Alice', schema: { type: 'string' } },
        { op: 'message', label: 'reply', from: 'Alice', to: 'Bob', schema: { type: 'string' } },
        {
          op: 'message',
          label: 'result',
          from: 'Bob',
          to: 'Alice',
          schema: expect.objectContaining({ type: 'object', required: ['name', 'count'] }),
        },
        { op: 'end' },
      ],
    })
  })

  it('records choices by the role that picks, loops with continue, and an inline by the inlined hash', () => {
    const p = shop()
      .loop('round', (q) => q.choose('next', { more: (r) => r.send('item', z.string()).continue('round'), done: (r) => r }))
      .offer('verdict', { ok: (q) => q.end(), no: (q) => q.receive('why', z.string()).end() })
      .end()
    const [loop, offer] = protocolIR(p).steps
    expect(loop).toEqual({
      op: 'loop',
      name: 'round',
      body: [
        {
          op: 'choice',
          label: 'next',
          by: 'Buyer',
          branches: {
            more: [
              { op: 'message', label: 'item', from: 'Buyer', to: 'Seller', schema: { type: 'string' } },
              { op: 'continue', name: 'round' },
            ],
            done: [],
          },
        },
      ],
    })
    expect(offer).toMatchObject({ op: 'choice', label: 'verdict', by: 'Seller' })
    const inline = protocolIR(TwoPartyTradeV1).steps[1]
    expect(inline).toEqual({
      op: 'inline',
      label: 'signatures',
      protocol: 'CollectSignatures',
      version: 1,
      hash: protocolHash(CollectSignaturesV1),
      roles: { Collector: 'Buyer', Signer: 'Seller' },
    })
    expect(Object.keys(protocolIR(TwoPartyTradeV1).errors)).toEqual(['UnacceptablePrice', 'AssetMismatch'])
  })

  it('fails with the protocol, version and step named when a payload cannot travel as JSON', () => {
    const p = shop().send('when', z.date()).end()
    expect(() => protocolIR(p)).toThrow(/Shop.*1[\s\S]*send when: the payload cannot travel as JSON/)
  })
})

describe('protocolHash', () => {
  it('is sha256 over the canonical JSON of the IR', async () => {
    const { createHash } = await import('node:crypto')
    expect(protocolHash(DemoV2)).toBe(
      `sha256:${createHash('sha256')
        .update(canonicalJson(protocolIR(DemoV2)))
        .digest('hex')}`,
    )
  })

  it('is equal for identical definitions written in different places', () => {
    const a = shop()
      .send('order', z.object({ sku: z.string(), qty: z.number().int() }))
      .receive('total', z.number())
      .end()

    const b = shop()
      .send('order', z.object({ sku: z.string(), qty: z.number().int() }))
      .receive('total', z.number())
      .end()
    expect(stepLine(a)).not.toBe(stepLine(b))
    expect(protocolHash(b)).toBe(protocolHash(a))
  })

  it('is equal when object fields are declared in another order (the IR is canonical)', () => {
    const a = shop()
      .send('order', z.object({ sku: z.string(), note: z.string().optional() }))
      .end()
    const b = shop()
      .send('order', z.object({ note: z.string().optional(), sku: z.string() }))
      .end()
    expect(protocolHash(b)).toBe(protocolHash(a))
  })

  it('changes when a step, a label, a direction, a schema, a version, a role or a declared error changes', () => {
    const base = protocolHash(shop().send('order', z.string()).receive('total', z.number()).end())
    const variants = [
      shop().send('order', z.string()).receive('total', z.number()).send('thanks', z.string()).end(),
      shop().send('purchase', z.string()).receive('total', z.number()).end(),
      shop().receive('order', z.string()).receive('total', z.number()).end(),
      shop().send('order', z.string().min(1)).receive('total', z.number()).end(),
      shop().send('order', z.string()).receive('total', z.number().int()).end(),
      shop(2).send('order', z.string()).receive('total', z.number()).end(),
      protocol('Shop', { version: 1, initiator: 'Client', responder: 'Seller' }).send('order', z.string()).receive('total', z.number()).end(),
      shop()
        .errors({ OutOfStock: z.object({ sku: z.string() }) })
        .send('order', z.string())
        .receive('total', z.number())
        .end(),
    ].map(protocolHash)
    expect(variants).not.toContain(base)
    expect(new Set(variants).size).toBe(variants.length)
  })

  it('changes for a protocol that inlines one whose definition changed', () => {
    const signer = (schema: z.ZodType) => protocol('Sign', { version: 1, initiator: 'A', responder: 'B' }).send('doc', schema).end()
    const outer = (inner: AnyProtocol) =>
      protocol('Deal', { version: 1, initiator: 'X', responder: 'Y' })
        .inline(inner as never, { label: 'sign', roles: { A: 'X', B: 'Y' } })
        .end()
    expect(protocolHash(outer(signer(z.string())))).toBe(protocolHash(outer(signer(z.string()))))
    expect(protocolHash(outer(signer(z.number())))).not.toBe(protocolHash(outer(signer(z.string()))))
  })
})
