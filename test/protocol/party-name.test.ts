/** Party names are restricted to a documented character set, so keys built from them cannot be ambiguous. */
import { describe, expect, it } from 'vitest'
import { partyNameProblem } from '../../runtime/protocol/party-name.js'

describe('party names', () => {
  it('accept letters and digits of any script, spaces, dots, dashes and underscores', () => {
    for (const name of ['Alice', 'bank-1', 'Bank of Ávila', 'node_2.eu', 'Zürich', '東京', 'नमस्ते', '7seas', 'x'.repeat(128)])
      expect(partyNameProblem(name)).toBeUndefined()
  })

  it("refuse ':', control characters and the rest, saying which character", () => {
    expect(partyNameProblem('A:B')).toBe("contains ':' (U+003A)")
    expect(partyNameProblem('O=Alice, L=London')).toBe("contains '=' (U+003D)")
    expect(partyNameProblem('Alice\nINFO forged')).toBe('contains the character U+000A')
    expect(partyNameProblem('Alice\u001b[2J')).toBe('contains the character U+001B')
    expect(partyNameProblem('Alice\u200b')).toBe('contains the character U+200B')
  })

  it('refuse empty, over-long, badly started or ended names and non-strings', () => {
    expect(partyNameProblem('')).toBe('is empty')
    expect(partyNameProblem('x'.repeat(129))).toBe('is 129 characters long')
    expect(partyNameProblem(' Alice')).toBe('starts with the character U+0020')
    expect(partyNameProblem('-Alice')).toBe("starts with '-' (U+002D)")
    expect(partyNameProblem('Alice ')).toBe('ends with a space')
    expect(partyNameProblem(7)).toBe('is number, not a string')
  })
})
