/**
 * The shape of session-scoped generated types, read from the committed modules in generated/:
 * variance declared (so tsc does not measure it through every following state, which overflows
 * its stack on long protocols), string-keyed brands first, one completion per role, handlers generic in S.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const demo = readFileSync(path.join(root, 'generated/demo.ts'), 'utf8')
const trade = readFileSync(path.join(root, 'generated/two-party-trade.ts'), 'utf8')
const issue = readFileSync(path.join(root, 'generated/issue-request.ts'), 'utf8')

describe('generated session typing', () => {
  it('declares every state covariant in its session, with the brands first', () => {
    expect(demo).toContain(
      "export interface DemoV1Alice_SendAmount<out S> {\n  readonly $state: 'Demo v1 Alice step 1 of 4: send amount';\n  readonly $session: S;",
    )
    expect(demo).toContain("export interface DemoV2Bob_End<out S> {\n  readonly $state: 'Demo v2 Bob end';")
  })

  it('has one completion per protocol and role, and handlers generic in the session', () => {
    expect(demo).toContain("export interface DemoAlice_Completion<out S, out R> {\n  readonly $completion: 'Demo Alice';\n  readonly $session: S;")
    expect(demo).not.toContain('DemoV1Alice_Completion')
    expect(demo).toContain('export type DemoV1Alice_Handler<R> = <S>(s: DemoV1Alice_SendAmount<S>, ctx: FlowContext) => Promise<DemoAlice_Completion<S, R>>;')
  })

  it('declares match handlers contravariant in the session, and match typed by its handlers object', () => {
    expect(issue).toContain('export interface IssueRequestV1Requester_OfferDecision_Handlers<in S> {')
    expect(issue).toContain(
      'match<H extends IssueRequestV1Requester_OfferDecision_Handlers<S>>(handlers: H): Promise<Awaited<ReturnType<H[keyof IssueRequestV1Requester_OfferDecision_Handlers<S>]>>>;',
    )
  })

  it('gives each version its errors and X.errors only what every version declares alike', () => {
    expect(trade).toContain('export interface TwoPartyTradeV1Errors {')
    expect(trade).toContain("readonly UnacceptablePrice: DeclaredError<'UnacceptablePrice', TwoPartyTradeV1_UnacceptablePriceError>")
    expect(trade).toContain('readonly v1: { readonly errors: TwoPartyTradeV1Errors };')
    expect(demo).toContain('only<W extends DemoVersion>(...versions: [W, ...W[]]): DemoOnly<W>;')
  })
})
