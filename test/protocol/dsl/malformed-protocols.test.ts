import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ProtocolDefinitionError, formatLocation, protocol } from '../../../runtime/protocol/index.js'

/** Each malformed protocol throws at definition time, naming the protocol, the step and this file. */
function definitionError(define: () => unknown): ProtocolDefinitionError {
  try {
    define()
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolDefinitionError)
    return error as ProtocolDefinitionError
  }
  throw new Error('expected a ProtocolDefinitionError, but the protocol was accepted')
}

const base = () => protocol('Shop', { version: 1, initiator: 'Buyer', responder: 'Seller' })

describe('malformed protocols fail at definition time', () => {
  it('rejects a duplicate label, naming both steps', () => {
    const error = definitionError(() => base().send('item', z.string()).receive('item', z.number()).end())
    expect(error.message).toMatch(
      /^Protocol Shop v1: label 'item' is used twice: step 1 \(send item\) at .*malformed-protocols\.test\.ts:\d+:\d+ and step 2 \(receive item\)/,
    )
    expect(error.code).toBe('PROTOCOL_DEFINITION')
    expect(error.location?.file).toMatch(/malformed-protocols\.test\.ts$/)
    expect(error.message.endsWith(` (${formatLocation(error.location!)})`)).toBe(true)
    expect(error.message).toBe(`${error.reason} (${formatLocation(error.location!)})`)
  })

  it('rejects continue to an unknown loop', () => {
    // Cast: the builder's types already reject this; JavaScript callers still need the run-time check.
    const error = definitionError(() =>
      base()
        .loop('round', (p) =>
          p.send('bid', z.number()).choose('next', { again: (q) => (q as unknown as { continue(n: string): typeof q }).continue('rnd'), stop: (q) => q }),
        )
        .end(),
    )
    expect(error.message).toContain("Protocol Shop v1: continue rnd refers to no enclosing loop (enclosing loops: 'round')")
  })

  it('rejects an empty choice', () => {
    const error = definitionError(() => base().choose('decision', {}).end())
    expect(error.message).toContain('Protocol Shop v1: step 1 (choose decision) has no branches')
  })

  it('rejects a loop with no exit', () => {
    const error = definitionError(() =>
      base()
        .loop('forever', (p) => p.send('ping', z.string()).continue('forever'))
        .end(),
    )
    expect(error.message).toContain('Protocol Shop v1: loop forever has no exit: every path through its body continues it')
  })

  it('rejects steps after end, inside a branch and after a choice whose branches all end', () => {
    const inBranch = definitionError(() =>
      base()
        .choose('decision', { a: (p) => (p.end() as unknown as { send(l: string, s: z.ZodType): unknown }).send('late', z.string()) as never })
        .end(),
    )
    expect(inBranch.message).toContain("Protocol Shop v1: step 'send late' comes after end()")
    const afterChoice = definitionError(() =>
      base()
        .choose('decision', { a: (p) => p.send('x', z.string()).end(), b: (p) => p.end() })
        .send('unreachable', z.string())
        .end(),
    )
    expect(afterChoice.message).toContain('Protocol Shop v1: step 3 (send unreachable) can never run')
  })

  it('rejects a payload that is not a zod schema', () => {
    const error = definitionError(() => base().send('item', { type: 'string' } as unknown as z.ZodString))
    expect(error.message).toContain('Protocol Shop v1: send item: the payload must be a zod schema')
  })

  it('rejects version < 1 and non-integer versions', () => {
    expect(definitionError(() => protocol('Shop', { version: 0, initiator: 'A', responder: 'B' })).message).toContain(
      'Protocol Shop: version must be an integer >= 1; got 0',
    )
    expect(definitionError(() => protocol('Shop', { version: 1.5, initiator: 'A', responder: 'B' })).message).toContain('got 1.5')
  })

  it('rejects initiator == responder', () => {
    const error = definitionError(() => protocol('Shop', { version: 1, initiator: 'Buyer', responder: 'Buyer' }))
    expect(error.message).toContain("Protocol Shop: initiator and responder are both 'Buyer'")
  })

  it('rejects labels that cannot name a generated state, and a protocol without steps', () => {
    expect(definitionError(() => base().send('two words', z.string())).message).toContain('a label must be an identifier')
    expect(definitionError(() => base().end()).message).toContain('Protocol Shop v1: has no steps')
  })

  it('rejects a loop that could never make progress', () => {
    const error = definitionError(() =>
      base()
        .loop('outer', (p) => p.loop('inner', (q) => q.send('x', z.string())).continue('outer'))
        .end(),
    )
    expect(error.message).toContain('loop outer has no message, choice or inline step in its body')
  })

  it('accepts a well-formed protocol with choice, loop, inline and errors', () => {
    const sub = protocol('Sign', { version: 1, initiator: 'Asker', responder: 'Signer' }).send('doc', z.string()).receive('sig', z.string()).end()
    const shop = base()
      .errors({ OutOfStock: z.object({ item: z.string() }) })
      .send('order', z.object({ item: z.string(), quantity: z.number().int() }))
      .loop('haggle', (p) => p.offer('answer', { accept: (q) => q, counter: (q) => q.receive('counter', z.number()).continue('haggle') }))
      .inline(sub, { roles: { Asker: 'Seller', Signer: 'Buyer' } })
      .end()
    expect(shop.steps.map((s) => s.op)).toEqual(['send', 'loop', 'inline', 'end'])
    expect([...shop.messages.keys()]).toEqual(['order', 'counter'])
    expect(Object.keys(shop.errors)).toEqual(['OutOfStock'])
  })
})
