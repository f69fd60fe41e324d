/** testSession: both roles of a protocol against each other in process, on the highest common version. */
import { describe, expect, it } from 'vitest'
import { demoInitiator, demoResponder } from '../../examples/demo-flows.js'
import { buyAsset, sellAsset } from '../../examples/two-party-trade-flows.js'
import { Demo } from '../../generated/demo.js'
import { TwoPartyTrade } from '../../generated/two-party-trade.js'
import { FlowException, UnexpectedFlowEndError } from '../../runtime/protocol/index.js'
import { testSession } from '../../runtime/testing/index.js'

const offer = { price: { quantity: 900, currency: 'EUR' }, asset: { ref: { txId: 'issue-1', index: 0 }, description: 'gold bar', owner: 'Seller' } }

describe('testSession', () => {
  it('runs the example Demo flows on v2 and reports both outcomes', async () => {
    const outcome = await testSession(Demo, { initiator: (ctx) => demoInitiator(ctx, 'Bob', 12), responder: demoResponder })
    expect(outcome.version).toBe(2)
    expect(outcome.initiator).toEqual({ status: 'fulfilled', value: { name: 'Hello, you sent 12, Bob', count: 12 } })
    expect(outcome.responder).toEqual({ status: 'fulfilled', value: undefined })
  })

  it('runs the two-party trade with its inlined signature collection', async () => {
    const outcome = await testSession(TwoPartyTrade, {
      initiator: (ctx) => sellAsset(ctx, 'Buyer', offer),
      responder: buyAsset({ maxPrice: 1000, wants: 'gold', reviewMs: 3_600_000 }),
    })
    expect(outcome.initiator.status).toBe('fulfilled')
    expect(outcome.responder?.status).toBe('fulfilled')
  })

  it("passes a side's declared error to the other as a FlowException from that party", async () => {
    const outcome = await testSession(TwoPartyTrade, {
      initiator: (ctx) => sellAsset(ctx, 'Buyer', offer),
      responder: buyAsset({ maxPrice: 10, wants: 'gold' }),
    })
    const error = outcome.initiator.status === 'rejected' ? outcome.initiator.reason : undefined
    expect(error).toBeInstanceOf(FlowException)
    expect(error).toMatchObject({ errorType: 'UnacceptablePrice', peer: 'Buyer' })
  })

  it('refuses a session with no common version, as the handshake does', async () => {
    const outcome = await testSession(Demo, { initiator: (ctx) => demoInitiator(ctx, 'Bob', 1), responder: { ...demoResponder, versions: [] } })
    const error = outcome.initiator.status === 'rejected' ? outcome.initiator.reason : undefined
    expect(error).toBeInstanceOf(UnexpectedFlowEndError)
    expect((error as Error).message).toBe('Bob rejected the session: no common version of Demo: initiator supports 1-2, responder supports none.')
    expect(outcome.responder).toBeUndefined()
  })
})
