/**
 * What a value must be to be journaled, stored and sent: what both the store codec (the V8 serializer,
 * runtime/store/codec.ts) and the wire JSON (runtime/transport/wire-json.ts) keep. That is null, undefined,
 * booleans, numbers, strings, bigint, Date, Map, Set, Uint8Array (and Buffer), arrays and plain objects
 * (also without a prototype). Functions and symbols are refused (neither codec keeps them), class instances
 * (they would arrive as plain objects without their class and methods), other typed arrays and boxed
 * values (the wire JSON does not keep them) and cycles (the wire JSON cannot write them).
 *
 * Payloads, declared-error details, step results and flow results are checked where they are given, so
 * the flow that gave one fails at that call instead of the engine failing later while it writes it.
 */
import { InvalidPayloadError } from './session-errors.js'

/** What the advice in each refusal names. */
export const PLAIN_DATA = 'plain data (null, undefined, booleans, numbers, strings, bigint, Date, Map, Set, Uint8Array, arrays and plain objects)'

/**
 * An InvalidPayloadError for `value` when part of it cannot be encoded, else undefined; `sentence` turns
 * the problem (`payload.callback is a function`) into the full message.
 */
export function encodingError(value: unknown, root: string, sentence: (problem: string) => string): InvalidPayloadError | undefined {
  const problem = findUnencodable(value, root)
  return problem === undefined ? undefined : new InvalidPayloadError(sentence(problem))
}

/**
 * The first part of `value` that cannot be encoded, as `<path> is <what>` (`details.callback is a
 * function`), with `root` naming the value itself; undefined when all of it can be encoded.
 */
export function findUnencodable(value: unknown, root: string): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return undefined
    default:
      return visit(value, root, [])
  }
}

interface Ancestor {
  readonly object: object
  readonly path: string
}

function visit(value: unknown, path: string, ancestors: Ancestor[]): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return undefined
    case 'function':
      return `${path} is a function`
    case 'symbol':
      return `${path} is a symbol`
  }
  if (value === null) return undefined
  const object = value as object
  if (object instanceof Date || object instanceof Uint8Array) return undefined
  const ancestor = ancestors.find((a) => a.object === object)
  if (ancestor) return `${path} refers back to ${ancestor.path} (a cycle)`
  ancestors.push({ object, path })
  const found = visitContainer(object, path, ancestors)
  ancestors.pop()
  return found
}

function visitContainer(object: object, path: string, ancestors: Ancestor[]): string | undefined {
  if (Array.isArray(object)) {
    if (Object.getPrototypeOf(object) !== Array.prototype) return `${path} is an instance of ${className(object)}, not a plain array`
    for (let i = 0; i < object.length; i++) {
      const found = visit(object[i], `${path}[${i}]`, ancestors)
      if (found) return found
    }
    return undefined
  }
  if (object instanceof Map) {
    let i = 0
    for (const [key, entry] of object) {
      const found = visit(key, `${path} key #${i}`, ancestors) ?? visit(entry, `${path}.get(${keyText(key, i)})`, ancestors)
      if (found) return found
      i++
    }
    return undefined
  }
  if (object instanceof Set) {
    let i = 0
    for (const element of object) {
      const found = visit(element, `${path} element #${i}`, ancestors)
      if (found) return found
      i++
    }
    return undefined
  }
  const prototype = Object.getPrototypeOf(object)
  if (prototype !== Object.prototype && prototype !== null) {
    return `${path} is an instance of ${className(object)}, which would arrive as a plain object without its class`
  }
  for (const key of Object.keys(object)) {
    const found = visit((object as Record<string, unknown>)[key], `${path}${propertyText(key)}`, ancestors)
    if (found) return found
  }
  return undefined
}

function className(object: object): string {
  const name = (object as { constructor?: { name?: unknown } }).constructor?.name
  return typeof name === 'string' && name !== '' ? name : 'an unnamed class'
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

function propertyText(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
}

function keyText(key: unknown, index: number): string {
  if (typeof key === 'string') return JSON.stringify(key)
  if (typeof key === 'number' || typeof key === 'boolean') return String(key)
  if (typeof key === 'bigint') return `${key}n`
  return `<key #${index}>`
}
