import { describe, expect, it } from 'vitest'
import { ProtocolDefinitionError, protocol } from '../../../runtime/protocol/index.js'

/** A protocol name names generated files, so an overlong one is refused where it is written, not by the file system. */
describe('protocol name length', () => {
  const define = (name: string) => () => protocol(name, { version: 1, initiator: 'A', responder: 'B' })

  it('refuses a 100,000-character name at definition, with a short message', () => {
    const name = `P${'x'.repeat(99_999)}`
    let error: unknown
    try {
      define(name)()
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(ProtocolDefinitionError)
    const { message, code, location } = error as ProtocolDefinitionError
    expect(code).toBe('PROTOCOL_DEFINITION')
    expect(message).toMatch(/^Protocol Px{39}…: the protocol name is 100000 characters long; keep it to 100 at most, since it names generated files and types/)
    expect(message.length).toBeLessThan(400)
    expect(location?.file).toMatch(/protocol-name-length\.test\.ts$/)
  })

  it('accepts a name of 100 characters and refuses 101', () => {
    expect(define(`P${'x'.repeat(99)}`)).not.toThrow()
    expect(define(`P${'x'.repeat(100)}`)).toThrow(/is 101 characters long; keep it to 100 at most/)
  })
})
