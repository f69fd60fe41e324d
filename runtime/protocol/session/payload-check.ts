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
 * function`), with `root` naming the value itself; undefined when all of it can be encoded. It runs for
 * every payload sent, so it builds no path text unless it finds something.
 */
export function findUnencodable(value: unknown, root: string): string | undefined {
  if (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol') return undefined
  const walk: Walk = { objects: [], steps: [] }
  const problem = visit(value, walk)
  return problem === undefined ? undefined : `${pathText(root, walk.steps, walk.steps.length)} ${problem(root, walk)}`
}

/** How a value is reached from its container: a property, an array index, a Map key or value, a Set element. */
type Step =
  | { readonly key: string }
  | { readonly index: number }
  | { readonly mapKey: number }
  | { readonly mapValue: unknown; readonly at: number }
  | { readonly element: number }

/** The containers entered and the steps taken to reach the current value (`steps` is one longer, or equal at the root). */
interface Walk {
  readonly objects: object[]
  readonly steps: Step[]
}

/** What is wrong at the current path, given the root name and the walk (to name the target of a cycle). */
type Problem = (root: string, walk: Walk) => string

function visit(value: unknown, walk: Walk): Problem | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return undefined
    case 'function':
      return () => 'is a function'
    case 'symbol':
      return () => 'is a symbol'
  }
  if (value === null) return undefined
  const object = value as object
  if (object instanceof Date || object instanceof Uint8Array) return undefined
  const depth = walk.objects.indexOf(object)
  if (depth >= 0) return (root) => `refers back to ${pathText(root, walk.steps, depth)} (a cycle)`
  walk.objects.push(object)
  const found = visitContainer(object, walk)
  if (found === undefined) walk.objects.pop()
  return found
}

/** Visits the parts of `object`; on a problem the walk is left at its path. */
function visitContainer(object: object, walk: Walk): Problem | undefined {
  const { steps } = walk
  if (Array.isArray(object)) {
    if (Object.getPrototypeOf(object) !== Array.prototype) return () => `is an instance of ${className(object)}, not a plain array`
    for (let i = 0; i < object.length; i++) {
      steps.push({ index: i })
      const found = visit(object[i], walk)
      if (found) return found
      steps.pop()
    }
    return undefined
  }
  if (object instanceof Map) {
    let i = 0
    for (const [key, entry] of object) {
      steps.push({ mapKey: i })
      const badKey = visit(key, walk)
      if (badKey) return badKey
      steps.pop()
      steps.push({ mapValue: key, at: i })
      const found = visit(entry, walk)
      if (found) return found
      steps.pop()
      i++
    }
    return undefined
  }
  if (object instanceof Set) {
    let i = 0
    for (const element of object) {
      steps.push({ element: i })
      const found = visit(element, walk)
      if (found) return found
      steps.pop()
      i++
    }
    return undefined
  }
  const prototype = Object.getPrototypeOf(object)
  if (prototype !== Object.prototype && prototype !== null) {
    return () => `is an instance of ${className(object)}, which would arrive as a plain object without its class`
  }
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue
    steps.push({ key })
    const found = visit((object as Record<string, unknown>)[key], walk)
    if (found) return found
    steps.pop()
  }
  return undefined
}

function className(object: object): string {
  const name = (object as { constructor?: { name?: unknown } }).constructor?.name
  return typeof name === 'string' && name !== '' ? name : 'an unnamed class'
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/** The path of the first `count` steps: `details.items[2].price`, `payload.prices.get("EUR")`. */
function pathText(root: string, steps: readonly Step[], count: number): string {
  let text = root
  for (const step of steps.slice(0, count)) {
    if ('key' in step) text += IDENTIFIER.test(step.key) ? `.${step.key}` : `[${JSON.stringify(step.key)}]`
    else if ('index' in step) text += `[${step.index}]`
    else if ('mapKey' in step) text += ` key #${step.mapKey}`
    else if ('mapValue' in step) text += `.get(${keyText(step.mapValue, step.at)})`
    else text += ` element #${step.element}`
  }
  return text
}

function keyText(key: unknown, index: number): string {
  if (typeof key === 'string') return JSON.stringify(key)
  if (typeof key === 'number' || typeof key === 'boolean') return String(key)
  if (typeof key === 'bigint') return `${key}n`
  return `<key #${index}>`
}
