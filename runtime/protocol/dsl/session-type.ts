/**
 * Type-level session types. A protocol value's TypeScript type carries its steps as a tuple of these,
 * written from the initiator's point of view; `Dual` flips it to the responder's.
 *
 * These types exist for type-level helpers and tests. Generated code never walks them: it uses flat,
 * named interfaces per state, so tsc cost stays linear in protocol size.
 */
import type { z } from 'zod'

export type Schema = z.ZodType

export interface SendStep<L extends string, S extends Schema> {
  readonly op: 'send'
  readonly label: L
  readonly schema: S
}

export interface ReceiveStep<L extends string, S extends Schema> {
  readonly op: 'receive'
  readonly label: L
  readonly schema: S
}

/** The initiator picks a branch. */
export interface ChooseStep<L extends string, B extends Branches> {
  readonly op: 'choose'
  readonly label: L
  readonly branches: B
}

/** The responder picks a branch. */
export interface OfferStep<L extends string, B extends Branches> {
  readonly op: 'offer'
  readonly label: L
  readonly branches: B
}

export interface LoopStep<N extends string, Body extends readonly Step[]> {
  readonly op: 'loop'
  readonly name: N
  readonly body: Body
}

export interface ContinueStep<N extends string> {
  readonly op: 'continue'
  readonly name: N
}

/** A sub-protocol run on the same session; `Flipped` is true when seen from the parent's responder. */
export interface InlineStep<P, Roles, Flipped extends boolean = false> {
  readonly op: 'inline'
  readonly protocol: P
  readonly roles: Roles
  readonly flipped: Flipped
}

export interface EndStep {
  readonly op: 'end'
}

export type Step =
  | SendStep<string, Schema>
  | ReceiveStep<string, Schema>
  | ChooseStep<string, Branches>
  | OfferStep<string, Branches>
  | LoopStep<string, readonly Step[]>
  | ContinueStep<string>
  | InlineStep<unknown, unknown, boolean>
  | EndStep

export type Branches = { readonly [branch: string]: readonly Step[] }

/** The same session seen from the other party: sends become receives, choices become offers. */
export type Dual<S extends readonly Step[]> = { readonly [K in keyof S]: DualStep<S[K]> }

type DualStep<T> =
  T extends SendStep<infer L, infer S>
    ? ReceiveStep<L, S>
    : T extends ReceiveStep<infer L, infer S>
      ? SendStep<L, S>
      : T extends ChooseStep<infer L, infer B>
        ? OfferStep<L, DualBranches<B>>
        : T extends OfferStep<infer L, infer B>
          ? ChooseStep<L, DualBranches<B>>
          : T extends LoopStep<infer N, infer Body>
            ? LoopStep<N, Dual<Body>>
            : T extends InlineStep<infer P, infer R, infer F>
              ? InlineStep<P, R, F extends true ? false : true>
              : T

type DualBranches<B extends Branches> = { readonly [K in keyof B]: Dual<B[K]> }
