/**
 * buildStateTable on the shipped protocols: states numbered in declaration order, messages with their
 * direction, choices with the role that picks and each branch's entry, loops and continues resolved
 * into edges back to the loop's head, an inline as one state, and a single End state last.
 */
import { describe, expect, it } from 'vitest'
import { DemoV1 } from '../../../protocols/demo.protocol.js'
import { EchoV1 } from '../../../protocols/echo.protocol.js'
import { IssueRequestV1 } from '../../../protocols/issue-request.protocol.js'
import { PriceNegotiationV1 } from '../../../protocols/price-negotiation.protocol.js'
import { TwoPartyTradeV1 } from '../../../protocols/two-party-trade.protocol.js'
import { buildStateTable, type StateTable, stepNumber } from '../../../runtime/protocol/ir/index.js'

const message = (id: number, label: string, from: string, to: string, next: number) => ({ id, op: 'message', label, from, to, next })
const choice = (id: number, label: string, by: string, branches: Record<string, number>) => ({ id, op: 'choice', label, by, branches })
const end = (id: number) => ({ id, op: 'end' })

/** Every edge of the table leads to a state of the table. */
function successors(table: StateTable): number[] {
  return table.states.flatMap((s) => (s.op === 'choice' ? Object.values(s.branches) : s.op === 'end' ? [] : [s.next]))
}

describe('buildStateTable', () => {
  it('chains sends and receives in order (Demo v1)', () => {
    const table = buildStateTable(DemoV1)
    expect(table).toEqual({
      protocol: 'Demo',
      version: 1,
      initiator: 'Alice',
      responder: 'Bob',
      start: 0,
      states: [
        message(0, 'amount', 'Alice', 'Bob', 1),
        message(1, 'greeting', 'Bob', 'Alice', 2),
        message(2, 'reply', 'Alice', 'Bob', 3),
        message(3, 'result', 'Bob', 'Alice', 4),
        end(4),
      ],
    })
  })

  it('numbers an offer and then each branch in order, branches meeting at what follows (IssueRequest)', () => {
    expect(buildStateTable(IssueRequestV1).states).toEqual([
      message(0, 'request', 'Requester', 'Issuer', 1),
      choice(1, 'decision', 'Issuer', { issue: 2, decline: 4 }),
      message(2, 'issuance', 'Issuer', 'Requester', 3),
      message(3, 'receipt', 'Requester', 'Issuer', 5),
      message(4, 'declineReason', 'Issuer', 'Requester', 5),
      end(5),
    ])
  })

  it('resolves a continue to the loop head and an end inside a loop to the End state (PriceNegotiation)', () => {
    const table = buildStateTable(PriceNegotiationV1)
    expect(table.states).toEqual([
      message(0, 'openingBid', 'Buyer', 'Seller', 1),
      choice(1, 'response', 'Seller', { accept: 2, counter: 3 }),
      message(2, 'agreedPrice', 'Seller', 'Buyer', 7),
      message(3, 'counterOffer', 'Seller', 'Buyer', 4),
      choice(4, 'reaction', 'Buyer', { raise: 5, walkAway: 6 }),
      message(5, 'raisedBid', 'Buyer', 'Seller', 1),
      message(6, 'walkAwayReason', 'Buyer', 'Seller', 7),
      end(7),
    ])
  })

  it('starts at the head of a leading loop (Echo)', () => {
    const table = buildStateTable(EchoV1)
    expect(table.start).toBe(0)
    expect(table.states).toEqual([
      choice(0, 'next', 'Caller', { ping: 1, done: 3 }),
      message(1, 'ping', 'Caller', 'Echoer', 2),
      message(2, 'echo', 'Echoer', 'Caller', 0),
      end(3),
    ])
  })

  it('keeps an inlined protocol as one state with its role mapping (TwoPartyTrade)', () => {
    expect(buildStateTable(TwoPartyTradeV1).states).toEqual([
      message(0, 'tradeInfo', 'Seller', 'Buyer', 1),
      { id: 1, op: 'inline', label: 'signatures', protocol: 'CollectSignatures', version: 1, roles: { Collector: 'Buyer', Signer: 'Seller' }, next: 2 },
      message(2, 'finalTransaction', 'Buyer', 'Seller', 3),
      end(3),
    ])
  })

  it('leaves no edge pointing outside the table and exactly one End state, last', () => {
    for (const definition of [DemoV1, EchoV1, IssueRequestV1, PriceNegotiationV1, TwoPartyTradeV1]) {
      const table = buildStateTable(definition)
      const last = table.states.length - 1
      expect(table.states.map((s) => s.id)).toEqual(table.states.map((_, index) => index))
      expect(table.states.filter((s) => s.op === 'end').map((s) => s.id)).toEqual([last])
      expect(
        successors(table).every((id) => id >= 0 && id <= last),
        `${definition.name}: edge outside the table`,
      ).toBe(true)
    }
  })
})

describe('stepNumber', () => {
  it('counts steps from 1 and names the End state after the last step', () => {
    const table = buildStateTable(DemoV1)
    expect(stepNumber(table, 0)).toBe('step 1 of 4')
    expect(stepNumber(table, 3)).toBe('step 4 of 4')
    expect(stepNumber(table, 4)).toBe('end (after step 4)')
  })
})
