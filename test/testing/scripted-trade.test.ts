/**
 * Scripted counterparties on the two-party trade (an inlined sub-protocol and declared errors), the price
 * negotiation (choices in a loop) and echo (a loop the counterparty drives), with the example flows as the
 * handlers under test.
 */
import { describe, expect, it } from 'vitest'
import type { SignedTransaction } from '../../examples/collect-signatures-flows.js'
import { echoer } from '../../examples/echo-flows.js'
import { sign } from '../../examples/ledger.js'
import { negotiate } from '../../examples/price-negotiation-flows.js'
import { buyAsset, sellAsset } from '../../examples/two-party-trade-flows.js'
import { Echo } from '../../generated/echo.js'
import { PriceNegotiation } from '../../generated/price-negotiation.js'
import { TwoPartyTrade } from '../../generated/two-party-trade.js'
import { FlowException } from '../../runtime/protocol/index.js'
import { InvalidScriptError, ScriptMismatchError, choose, offer, raise, receive, send, testInitiator, testResponder } from '../../runtime/testing/index.js'

const offerOf = (quantity: number) => ({
  price: { quantity, currency: 'EUR' },
  asset: { ref: { txId: 'issue-1', index: 0 }, description: 'gold bar', owner: 'Seller' },
})

describe('a scripted Seller against the buyer responder', () => {
  it('walks the inlined CollectSignatures with prefixed labels and returns the signed transaction', async () => {
    let proposal: SignedTransaction | undefined
    const result = await testResponder<SignedTransaction>(TwoPartyTrade, buyAsset({ maxPrice: 1000, wants: 'gold' }), {
      script: [
        send('tradeInfo', { ...offerOf(900), payToIdentity: 'Seller' }),
        receive('signatures.proposal', (tx: SignedTransaction) => {
          proposal = tx
          expect(tx.outputs).toContainEqual({ owner: 'Seller', description: 'payment', amount: { quantity: 900, currency: 'EUR' } })
        }),
        send('signatures.signature', () => sign('Seller', proposal!.id)),
        receive('finalTransaction', (tx: SignedTransaction) => expect(tx.signatures.map((s) => s.signer)).toEqual(['Buyer', 'Seller'])),
      ],
    })
    expect(result.id).toBe(proposal?.id)
  })

  it("reports the buyer's declared error when the price is too high", async () => {
    const run = testResponder(TwoPartyTrade, buyAsset({ maxPrice: 100, wants: 'gold' }), {
      script: [send('tradeInfo', { ...offerOf(900), payToIdentity: 'Seller' }), receive('signatures.proposal')],
    })
    await expect(run).rejects.toSatisfy((e) => TwoPartyTrade.errors.UnacceptablePrice.is(e) && e.details.maxPrice.quantity === 100)
  })

  it('fails naming an inlined step the handler skipped', async () => {
    const run = testResponder(TwoPartyTrade, buyAsset({ maxPrice: 1000, wants: 'gold' }), {
      script: [send('tradeInfo', { ...offerOf(900), payToIdentity: 'Seller' }), receive('finalTransaction')],
    })
    await expect(run).rejects.toThrow(InvalidScriptError)
    await expect(run).rejects.toThrow(
      "Script step 2 of 2, receive('finalTransaction'): the protocol has the counterparty receive 'signatures.proposal' here (TwoPartyTrade v1 Seller > CollectSignatures v1 Signer, step 1 of 2 ('proposal'))",
    )
  })
})

describe('a scripted Buyer against the seller flow', () => {
  it('raise() reaches the seller as the declared FlowException, from the Buyer', async () => {
    const run = testInitiator(TwoPartyTrade, (ctx) => sellAsset(ctx, 'Buyer', offerOf(900)), {
      script: [
        receive('tradeInfo', (info) => expect(info.payToIdentity).toBe('Seller')),
        raise('UnacceptablePrice', { askingPrice: { quantity: 900, currency: 'EUR' }, maxPrice: { quantity: 10, currency: 'EUR' } }, 'too dear'),
      ],
    })
    await expect(run).rejects.toBeInstanceOf(FlowException)
    await expect(run).rejects.toMatchObject({ errorType: 'UnacceptablePrice', peer: 'Buyer', message: 'too dear' })
  })

  it('refuses to raise an error the protocol does not declare, or with details off its schema', async () => {
    const undeclared = testInitiator(TwoPartyTrade, (ctx) => sellAsset(ctx, 'Buyer', offerOf(900)), {
      script: [receive('tradeInfo'), raise('OutOfCoffee', {})],
    })
    await expect(undeclared).rejects.toThrow(
      "Script step 2 of 2, raise('OutOfCoffee'): TwoPartyTrade v1 does not declare OutOfCoffee (it declares UnacceptablePrice, AssetMismatch).",
    )
    const malformed = testInitiator(TwoPartyTrade, (ctx) => sellAsset(ctx, 'Buyer', offerOf(900)), {
      script: [receive('tradeInfo'), raise('AssetMismatch', { expected: 1 })],
    })
    await expect(malformed).rejects.toThrow("Script step 2 of 2, raise('AssetMismatch'): the details do not match the declared schema of AssetMismatch")
  })

  it("reports the seller's refusal to sign a transaction that does not pay it", async () => {
    const unpaid: SignedTransaction = { id: 'tx-1', inputs: [], outputs: [], signatures: [] }
    const run = testInitiator(TwoPartyTrade, (ctx) => sellAsset(ctx, 'Buyer', offerOf(900)), {
      script: [receive('tradeInfo'), send('signatures.proposal', unpaid), receive('signatures.signature')],
    })
    await expect(run).rejects.toThrow('transaction tx-1 does not pay Seller the asking price')
  })
})

describe('choices: a scripted Seller against the negotiating buyer', () => {
  const bid = (quantity: number) => ({ price: { quantity, currency: 'GBP' } })

  it('chooses for the counterparty and checks the choices the handler makes', async () => {
    const result = await testInitiator(PriceNegotiation, (ctx) => negotiate(ctx, 'Seller', 100, 10, 130), {
      script: [
        receive('openingBid', (b) => b.price.quantity === 100),
        choose('response', 'counter'),
        send('counterOffer', bid(150)),
        offer('reaction', 'raise'),
        receive('raisedBid', (b) => expect(b.price.quantity).toBe(110)),
        choose('response', 'accept'),
        send('agreedPrice', { quantity: 110, currency: 'GBP' }),
      ],
    })
    expect(result).toEqual({ agreed: 110 })
  })

  it("fails naming the step when the handler's choice differs from the script's", async () => {
    const run = testInitiator(PriceNegotiation, (ctx) => negotiate(ctx, 'Seller', 100, 10, 105), {
      script: [receive('openingBid'), choose('response', 'counter'), send('counterOffer', bid(150)), offer('reaction', 'raise')],
    })
    await expect(run).rejects.toThrow(ScriptMismatchError)
    await expect(run).rejects.toThrow("Script step 4 of 4, offer('reaction', 'raise'): the handler chose 'walkAway', but the script expects 'raise'.")
  })

  it('refuses a branch the choice does not have', async () => {
    const run = testInitiator(PriceNegotiation, (ctx) => negotiate(ctx, 'Seller', 100, 10, 130), {
      script: [receive('openingBid'), choose('response', 'maybe')],
    })
    await expect(run).rejects.toThrow("Script step 2 of 2, choose('response', 'maybe'): 'maybe' is not a branch of 'response'; choose one of accept, counter.")
  })

  it('ends the session for the handler after a script that reaches the protocol end', async () => {
    const result = await testInitiator(PriceNegotiation, (ctx) => negotiate(ctx, 'Seller', 100, 10, 105), {
      script: [receive('openingBid'), choose('response', 'counter'), send('counterOffer', bid(150)), offer('reaction'), receive('walkAwayReason')],
    })
    expect(result).toEqual({ walkedAway: 'ceiling 105' })
  })
})

describe('loops: a scripted Caller against the echoer', () => {
  it('goes round the loop as often as the script chooses', async () => {
    const rounds = [0, 1, 2].flatMap((round) => [
      choose('next', 'ping'),
      send('ping', { round, text: `hello ${round}` }),
      receive('echo', (e) => expect(e).toEqual({ round, text: `hello ${round}` })),
    ])
    expect(await testResponder(Echo, echoer(), { script: [...rounds, choose('next', 'done')] })).toBe(3)
  })

  it('refuses a script that skips the choice at the head of the loop', async () => {
    const run = testResponder(Echo, echoer(), {
      script: [choose('next', 'ping'), send('ping', { round: 0, text: 'a' }), receive('echo'), send('ping', { round: 1, text: 'b' })],
    })
    await expect(run).rejects.toThrow(
      "Script step 4 of 4, send('ping'): the protocol has the counterparty choose a branch of 'next' (ping, done) here (Echo v1 Caller, step 1 of 3 ('next'))",
    )
  })
})
