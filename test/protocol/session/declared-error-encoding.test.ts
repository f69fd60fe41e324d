import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { protocol } from '../../../runtime/protocol/index.js'
import { InvalidPayloadError } from '../../../runtime/protocol/session/index.js'
import { familyOf } from '../../engine/support/family.js'

const Loose = protocol('Loose', { version: 1, initiator: 'Asker', responder: 'Answerer' })
  .errors({ Broken: z.object({ info: z.unknown() }) })
  .send('hello', z.string())
  .end()
const LooseFamily = familyOf(Loose)

describe('declared errors refuse details that cannot be encoded', () => {
  it('create() throws at once, naming the protocol, the error type and the path of the offending value', () => {
    let error: unknown
    try {
      LooseFamily.errors.Broken!.create({ info: { callback: () => 1 } })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InvalidPayloadError)
    const message = (error as Error).message
    expect(message).toContain('Loose')
    expect(message).toContain('Broken')
    expect(message).toContain('details.info.callback is a function')
  })

  it('create() refuses a class instance and a cycle, and accepts plain data of every kind both codecs keep', () => {
    class Money {
      constructor(readonly amount: number) {}
    }
    expect(() => LooseFamily.errors.Broken!.create({ info: [1, new Money(3)] })).toThrow(/details\.info\[1\] is an instance of Money/)
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    expect(() => LooseFamily.errors.Broken!.create({ info: cyclic })).toThrow(/details\.info\.self refers back to details\.info/)
    const plain = {
      info: {
        n: null,
        u: undefined,
        b: true,
        x: 1.5,
        s: 's',
        big: 10n,
        d: new Date(0),
        m: new Map([['k', { v: 1 }]]),
        set: new Set([1]),
        bytes: new Uint8Array([1]),
      },
    }
    expect(LooseFamily.errors.Broken!.create(plain).details).toBe(plain)
  })
})
