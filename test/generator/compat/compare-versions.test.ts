/**
 * compareVersions beyond one rule per fixture: combined changes, what counts as one change, the order of
 * findings, snapshots (locations, a lockfile round trip) and the edges of the API.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { compareVersions } from '../../../generator/compat/compare.js'
import { snapshotOf } from '../../../generator/compat/snapshot.js'
import type { VersionSnapshot } from '../../../generator/compat/types.js'
import { type AnyProtocol, protocol } from '../../../runtime/protocol/index.js'
import { canonicalJson } from '../../../runtime/protocol/ir/canonical-json.js'
import { PriceNegotiationV1 } from '../../../protocols/price-negotiation.protocol.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const thisFile = 'test/generator/compat/compare-versions.test.ts'

const snap = (definition: AnyProtocol): VersionSnapshot => snapshotOf(definition, root)
/** `RULE: message` per finding, in order. */
const findings = (locked: AnyProtocol, current: AnyProtocol): string[] => compareVersions(snap(locked), snap(current)).map((f) => `${f.rule}: ${f.message}`)
const ruleIds = (locked: AnyProtocol, current: AnyProtocol): string[] => compareVersions(snap(locked), snap(current)).map((f) => f.rule)

const shop = () => protocol('Shop', { version: 1, initiator: 'Buyer', responder: 'Seller' })

describe('compareVersions', () => {
  it('returns [] for equal hashes without comparing further', () => {
    const a = shop().send('order', z.string()).end()
    const b = shop().send('order', z.string()).end()
    expect(snap(a).hash).toBe(snap(b).hash)
    expect(compareVersions(snap(a), snap(b))).toEqual([])
  })

  it('refuses to compare different protocols or version numbers', () => {
    const a = shop().send('order', z.string()).end()
    const b = protocol('Shop', { version: 2, initiator: 'Buyer', responder: 'Seller' }).send('order', z.string()).end()
    expect(() => compareVersions(snap(a), snap(b))).toThrow('compareVersions compares one version with itself as it changed; got Shop v1 and Shop v2')
  })

  it('proposes the next free version when told it', () => {
    const a = shop().send('order', z.string()).end()
    const b = shop().send('order', z.number()).end()
    const [finding] = compareVersions(snap(a), snap(b), { nextVersion: 4 })
    expect(finding!.remedy).toBe('Bump Shop to version 4 and keep version 1 declared, as locked, for peers that still run it; or undo the change')
  })

  it('reports several changes in step order, each once', () => {
    const locked = shop()
      .send('order', z.object({ sku: z.string() }))
      .receive('quote', z.number())
      .send('accept', z.boolean())
      .receive('invoice', z.string())
      .end()
    const current = shop()
      .send('order', z.object({ sku: z.string(), qty: z.number() }))
      .send('accept', z.boolean())
      .receive('quote', z.number())
      .receive('invoice', z.number())
      .end()
    expect(ruleIds(locked, current)).toEqual(['PAYLOAD_REQUIRED_FIELD_ADDED', 'STEP_MOVED', 'PAYLOAD_TYPE_CHANGED'])
    // Deterministic: the same inputs give the same list.
    expect(findings(locked, current)).toEqual(findings(locked, current))
  })

  it('reports a step moved into another branch as a move, not a removal and an addition', () => {
    const locked = shop()
      .choose('mode', { pickup: (p) => p.send('store', z.string()), delivery: (p) => p.send('address', z.string()) })
      .receive('receipt', z.string())
      .end()
    const current = shop()
      .choose('mode', { pickup: (p) => p.send('store', z.string()).send('address', z.string()), delivery: (p) => p })
      .receive('receipt', z.string())
      .end()
    expect(findings(locked, current)).toEqual([
      'STEP_MOVED: Shop v1 step 3 (send address) moved: it now comes after step 2 (send store), and came after branch delivery of step 1 (choose mode); peers on different definitions expect the steps in a different order',
    ])
  })

  it('reports a renamed branch as one removed and one added, not as a move of the steps inside it', () => {
    const locked = shop()
      .choose('confirm', { yes: (p) => p.send('payment', z.number()), no: (p) => p })
      .end()
    const current = shop()
      .choose('confirm', { ok: (p) => p.send('payment', z.number()), no: (p) => p })
      .end()
    expect(ruleIds(locked, current)).toEqual(['CHOICE_BRANCH_REMOVED', 'CHOICE_BRANCH_ADDED'])
  })

  it('says a step that moved to the front now comes first', () => {
    const locked = shop().send('a', z.string()).receive('b', z.string()).end()
    const current = shop().receive('b', z.string()).send('a', z.string()).end()
    expect(findings(locked, current)).toEqual([
      'STEP_MOVED: Shop v1 step 2 (send a; step 1 when locked) moved: it now comes after step 1 (receive b), and came first; peers on different definitions expect the steps in a different order',
    ])
  })

  it('pairs a run of renamed steps front to back', () => {
    const locked = shop().send('a', z.string()).send('b', z.string()).receive('c', z.string()).end()
    const current = shop().send('a', z.string()).send('b2', z.string()).receive('c2', z.string()).end()
    expect(ruleIds(locked, current)).toEqual(['STEP_RENAMED', 'STEP_RENAMED'])
  })

  it('does not take a step of another direction for a rename', () => {
    const locked = shop().send('a', z.string()).send('b', z.string()).end()
    const current = shop().send('a', z.string()).receive('c', z.string()).end()
    expect(ruleIds(locked, current).sort()).toEqual(['STEP_ADDED', 'STEP_REMOVED'])
  })

  it('reports a label reused for another kind of step as a removal and an addition', () => {
    const locked = shop().send('next', z.string()).end()
    const current = shop()
      .choose('next', { a: (p) => p.send('x', z.string()), b: (p) => p })
      .end()
    expect(ruleIds(locked, current).sort()).toEqual(['STEP_ADDED', 'STEP_REMOVED'])
  })

  it('reports an added branch once, not each step inside it', () => {
    const locked = shop()
      .choose('plan', { basic: (p) => p.send('card', z.string()) })
      .end()
    const current = shop()
      .choose('plan', {
        basic: (p) => p.send('card', z.string()),
        premium: (p) => p.send('iban', z.string()).receive('mandate', z.string()).send('signed', z.boolean()),
      })
      .end()
    expect(ruleIds(locked, current)).toEqual(['CHOICE_BRANCH_ADDED'])
  })

  it('reports an added choice once, not the steps in its branches', () => {
    const locked = shop().send('order', z.string()).receive('receipt', z.string()).end()
    const current = shop()
      .send('order', z.string())
      .offer('stock', { available: (p) => p.receive('eta', z.string()), backorder: (p) => p.receive('waitDays', z.number()).send('wait', z.boolean()) })
      .receive('receipt', z.string())
      .end()
    expect(findings(locked, current)).toEqual([
      'STEP_ADDED: Shop v1 added step 2 (offer stock), a choice Seller makes: a Buyer still on the locked definition does not expect it, and a Buyer on the current definition waits in vain for a Seller still on the locked definition to choose',
    ])
  })

  it('reports a step added inside a loop as an addition only', () => {
    const locked = PriceNegotiationV1
    const Amount = z.object({ currency: z.string().length(3), quantity: z.number().int().nonnegative() })
    const Bid = z.object({ price: Amount, note: z.string().optional() })
    const current = protocol('PriceNegotiation', { version: 1, initiator: 'Buyer', responder: 'Seller' })
      .send('openingBid', Bid)
      .loop('round', (p) =>
        p.offer('response', {
          accept: (p) => p.receive('agreedPrice', Amount).end(),
          counter: (p) =>
            p
              .receive('counterOffer', Bid)
              .send('ack', z.boolean())
              .choose('reaction', {
                raise: (p) => p.send('raisedBid', Bid).continue('round'),
                walkAway: (p) => p.send('walkAwayReason', z.object({ reason: z.string() })).end(),
              }),
        }),
      )
      .end()
    expect(ruleIds(locked, current)).toEqual(['STEP_ADDED'])
  })

  it('reports a loop that no longer loops back', () => {
    const locked = shop()
      .send('bid', z.number())
      .loop('round', (p) =>
        p.receive('counter', z.number()).choose('reaction', { raise: (p) => p.send('raised', z.number()).continue('round'), stop: (p) => p.end() }),
      )
      .end()
    const current = shop()
      .send('bid', z.number())
      .loop('round', (p) => p.receive('counter', z.number()).choose('reaction', { raise: (p) => p.send('raised', z.number()).end(), stop: (p) => p.end() }))
      .end()
    expect(findings(locked, current)).toEqual([
      'LOOP_CHANGED: Shop v1 step 4 (send raised) changed where it continues: it went back to step 2 (receive counter) and now ends the protocol, so peers on different definitions expect different steps after it',
    ])
  })

  it('compares directions by role position when roles are renamed', () => {
    const locked = shop().send('order', z.string()).receive('receipt', z.string()).end()
    const current = protocol('Shop', { version: 1, initiator: 'Customer', responder: 'Seller' }).send('order', z.string()).receive('receipt', z.string()).end()
    expect(ruleIds(locked, current)).toEqual(['ROLES_RENAMED'])
  })

  it('reports a renamed inline label as a rename and a changed role mapping as an inline change', () => {
    const Sign = protocol('Sign', { version: 1, initiator: 'Collector', responder: 'Signer' }).send('tx', z.string()).receive('sig', z.string()).end()
    const locked = shop().inline(Sign, { label: 'signing' }).end()
    expect(ruleIds(locked, shop().inline(Sign, { label: 'signatures' }).end())).toEqual(['STEP_RENAMED'])
    const swapped = shop()
      .inline(Sign, { label: 'signing', roles: { Collector: 'Seller', Signer: 'Buyer' } })
      .end()
    expect(findings(locked, swapped)).toEqual([
      'INLINE_CHANGED: Shop v1 step 1 (inline Sign v1 as signing) changed its sub-protocol: its roles map Collector to Seller (was Buyer), Signer to Buyer (was Seller); its steps are part of Shop v1, so peers on different definitions run different steps',
    ])
  })

  it('ignores moved lines and comments: same hash', () => {
    const a = shop().send('order', z.string()).end()
    // prettier-ignore
    const b = shop().send('order', z.string()).end()
    expect(snap(a).hash).toBe(snap(b).hash)
    expect(compareVersions(snap(a), snap(b))).toEqual([])
  })
})

describe('snapshotOf', () => {
  it('records where every step was written, by step path, relative to the root', () => {
    const definition = protocol('Shop', { version: 1, initiator: 'Buyer', responder: 'Seller' })
      .send('order', z.string())
      .choose('mode', { pickup: (p) => p.send('store', z.string()), delivery: (p) => p.end() })
      .loop('round', (p) => p.receive('ping', z.string()).choose('again', { yes: (p) => p.continue('round'), no: (p) => p }))
      .end()
    const { locations } = snap(definition)
    expect(Object.keys(locations).sort()).toEqual(
      ['0', '1', '1.pickup.0', '1.delivery.0', '2', '2.body.0', '2.body.1', '2.body.1.yes.0', '3', 'protocol'].sort(),
    )
    for (const at of Object.values(locations)) expect(at.file).toBe(thisFile)
    expect(locations['1']!.line).toBe(locations['0']!.line + 1)
    expect(locations['1.pickup.0']!.line).toBe(locations['1']!.line)
    expect(locations['1.pickup.0']!.column).toBeGreaterThan(locations['1']!.column)
    expect(locations['protocol']!.line).toBe(locations['0']!.line - 1)
  })

  it('survives a lockfile round trip (canonical JSON, branches sorted) with the same findings', () => {
    const locked = shop()
      .choose('mode', { zulu: (p) => p.send('z1', z.string()), alpha: (p) => p.send('a1', z.number()) })
      .end()
    const current = shop()
      .choose('mode', { zulu: (p) => p.send('z1', z.string()), alpha: (p) => p.send('a1', z.string()) })
      .end()
    const fromLockfile = JSON.parse(canonicalJson(snap(locked))) as VersionSnapshot
    expect(compareVersions(fromLockfile, snap(current))).toEqual(compareVersions(snap(locked), snap(current)))
    expect(compareVersions(fromLockfile, snap(current)).map((f) => f.message)).toEqual([
      'Shop v1 step 3 (send a1) changed its payload from number to string: a Seller on the current definition rejects what a Buyer still on the locked definition sends, and a Seller still on the locked definition rejects what a Buyer on the current definition sends',
    ])
  })
})
