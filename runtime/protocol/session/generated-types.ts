/**
 * Types the generated modules are written in terms of. Generated states and completions carry two
 * type-only, string-keyed brands: `$state` (or `$completion`) names protocol, version, role and step, so a state
 * object from another place does not type-check and tsc says which place in its first lines; `$session`
 * holds the session's type parameter, fresh for each session and each inline run, so a completion is a
 * proof for the session whose handler returns it.
 */
import type { Untrustworthy } from './untrustworthy.js'

/** The key of `MessageTag`'s optional brand; exists only in the type system. */
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

/**
 * What `send()` takes at a step whose payload is an object (or a union of objects): the sender's type `T`,
 * named with the step (`Step`, the state's `$state` text) and marked with the session `S`. The mark adds no
 * property and accepts every value of `T`, so the type is `T`'s; but it is generic while `S` is, and tsc then
 * checks an object literal as a whole instead of field by field: a wrong field is reported at the argument,
 * naming this type and with it the step ("Argument of type '{ name: number; }' is not assignable to parameter
 * of type 'PayloadAt<DemoV1_Result, S, "Demo v1 Bob step 4 of 4: send result">'"), then the field.
 */
// biome-ignore lint/correctness/noUnusedVariables: `Step` is unused by design: it is there to be printed in errors
export type PayloadAt<T, S, Step extends string> = T & SessionMark<S>

/** The mark of `PayloadAt`: no property at all (its keys are none), but generic in the session `S`. */
export type SessionMark<S> = { readonly [K in S extends never ? S : never]: unknown }

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

/**
 * The result type of a handlers object (`{ v1, v2 }`): the union of what each version's handler ends
 * with, so `end()` in one version and `end(n)` in another type the run as `void | number`.
 */
export type HandlerResult<H> = {
  readonly [K in keyof H]: H[K] extends (...args: never[]) => PromiseLike<infer C> ? (C extends { readonly result: infer R } ? R : never) : never
}[keyof H]

/**
 * Refuses the keys of a handlers object `H` that are not among `Allowed` (the versions in play), also
 * when the object is held in a variable, where TypeScript's excess-property check does not apply.
 */
export type OnlyVersions<H, Allowed extends string, Protocol extends string> = {
  readonly [K in Exclude<keyof H, Allowed>]: `${Protocol} has no handler key ${K & string}: give one handler per version in play, no others`
}
