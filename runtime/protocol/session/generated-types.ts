/**
 * Types the generated modules are written in terms of. The brand keys exist only in the type system:
 * they make each state and completion of each protocol, version and role a distinct type, so a state
 * object from another protocol or version does not type-check.
 */
import type { Untrustworthy } from './untrustworthy.js'

export declare const protocolState: unique symbol
export declare const protocolCompletion: unique symbol
export declare const messageTag: unique symbol

/**
 * Intersected with every generated message type. It changes no value that fits, but keeps the type's
 * name in compiler errors ("not assignable to parameter of type 'DemoV1_Amount'"), which tsc would
 * otherwise print as a bare `number`. `Tag` is deliberately unused by the members: it makes each
 * message's type distinct (so its name survives) while same-shaped messages stay assignable.
 */
// biome-ignore lint/correctness/noUnusedVariables: `Tag` is unused by design, see above
export interface MessageTag<Tag extends string> {
  readonly [messageTag]?: unknown
}

/** What `receive()` resolves to: the payload (to be unwrapped) and the next state. */
export interface Received<T, Next> {
  readonly payload: Untrustworthy<T>
  readonly next: Next
}

/** What `inline()` resolves to: the sub-protocol handler's result and the state after it. */
export interface Inlined<R, Next> {
  readonly result: R
  readonly next: Next
}
