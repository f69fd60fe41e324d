/** canonicalJson: the text hashes and lockfiles are computed over; key order must never leak into it. */
import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../../../runtime/protocol/ir/index.js'

describe('canonicalJson', () => {
  it('sorts object keys by code unit at every level, leaving array order alone', () => {
    const value = { b: 1, a: { z: [3, { y: 1, x: 2 }], B: true, _: null }, '10': 'ten', '9': 'nine' }
    expect(canonicalJson(value)).toBe('{"9":"nine","10":"ten","a":{"B":true,"_":null,"z":[3,{"x":2,"y":1}]},"b":1}')
  })

  it('gives the same text for the same value built in any key order', () => {
    const one = { name: 'Shop', steps: [{ op: 'message', label: 'order', schema: { type: 'string', minLength: 1 } }], version: 1 }
    const other = { version: 1, steps: [{ schema: { minLength: 1, type: 'string' }, label: 'order', op: 'message' }], name: 'Shop' }
    expect(canonicalJson(other)).toBe(canonicalJson(one))
    expect(canonicalJson(one)).toBe(canonicalJson(JSON.parse(canonicalJson(one))))
  })

  it('orders upper case before lower case and shorter prefixes first (code units, not locale)', () => {
    expect(Object.keys(JSON.parse(canonicalJson({ b: 0, a: 0, B: 0, ab: 0, é: 0 })))).toEqual(['B', 'a', 'ab', 'b', 'é'])
  })

  it('drops undefined properties like JSON.stringify, but keeps null', () => {
    expect(canonicalJson({ a: undefined, b: null, c: [undefined] })).toBe('{"b":null,"c":[null]}')
  })

  it('indents when asked, with the same key order', () => {
    expect(canonicalJson({ b: [1], a: 'x' }, 2)).toBe('{\n  "a": "x",\n  "b": [\n    1\n  ]\n}')
  })
})
