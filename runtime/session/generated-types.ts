/**
 * Types the generated modules are written in terms of. The brand keys exist only in the type system:
 * they make each state and completion of each protocol, version and role a distinct type, so a state
 * object from another protocol or version does not type-check.
 */
import type { Untrustworthy } from './untrustworthy.js'

export declare const protocolState: unique symbol
export declare const protocolCompletion: unique symbol

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
