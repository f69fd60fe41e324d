/**
 * The type of the builder protocol authors chain steps on: each call appends its step to the `Steps`
 * tuple, so the finished definition carries the protocol's session type. Types only; the builder that
 * records the steps at run time is in protocol-builder.ts.
 */
import type { AnyProtocol, ErrorSchemas, ProtocolDefinition, sessionType } from './protocol-definition.js'
import type { ChooseStep, ContinueStep, EndStep, InlineStep, LoopStep, OfferStep, ReceiveStep, Schema, SendStep, Step } from './session-type.js'

// StepsCarrier comes first: bundling the declarations moves this file's header onto the first
// declaration, which must have a doc comment of its own to leave the API report as it is.
/** What a branch or loop body may return: a builder (falls through) or a terminated chain. */
export interface StepsCarrier {
  readonly [sessionType]: readonly Step[]
}

export interface ProtocolOptions<Initiator extends string, Responder extends string> {
  /** Integer >= 1. Bump it for every change a peer running the previous version could not follow. */
  readonly version: number
  readonly initiator: Initiator
  readonly responder: Responder
}

type StepsOf<R> = R extends { readonly [sessionType]: infer S extends readonly Step[] } ? S : never
type BranchSteps<B> = { readonly [K in keyof B]: StepsOf<B[K] extends (...args: never[]) => infer R ? R : never> }

export interface InlineOptions<P extends AnyProtocol, ParentRole extends string> {
  /** Names the generated state; defaults to the sub-protocol's name. */
  readonly label?: string
  /** Which parent role plays each sub-protocol role; defaults to initiator->initiator, responder->responder. */
  readonly roles?: { readonly [R in P['initiator'] | P['responder']]: ParentRole }
}

/** A chain that ended with `end()` or `continue()` inside a branch or loop: nothing may follow it. */
export interface Terminated<Steps extends readonly Step[]> {
  readonly [sessionType]: Steps
}

export interface ProtocolBuilder<
  Name extends string,
  Initiator extends string,
  Responder extends string,
  Steps extends readonly Step[],
  Loops extends string,
  Errors extends ErrorSchemas,
  Top extends boolean,
> {
  readonly [sessionType]: Steps
  /** The initiator sends `label` with a payload matching `schema`. */
  send<L extends string, S extends Schema>(label: L, schema: S): ProtocolBuilder<Name, Initiator, Responder, [...Steps, SendStep<L, S>], Loops, Errors, Top>
  /** The initiator receives `label` (the responder sends it). */
  receive<L extends string, S extends Schema>(
    label: L,
    schema: S,
  ): ProtocolBuilder<Name, Initiator, Responder, [...Steps, ReceiveStep<L, S>], Loops, Errors, Top>
  /** The initiator picks one branch; the responder follows it. */
  choose<L extends string, B extends BranchBodies<Name, Initiator, Responder, Loops, Errors>>(
    label: L,
    branches: B,
  ): ProtocolBuilder<Name, Initiator, Responder, [...Steps, ChooseStep<L, BranchSteps<B>>], Loops, Errors, Top>
  /** The responder picks one branch; the initiator follows it. */
  offer<L extends string, B extends BranchBodies<Name, Initiator, Responder, Loops, Errors>>(
    label: L,
    branches: B,
  ): ProtocolBuilder<Name, Initiator, Responder, [...Steps, OfferStep<L, BranchSteps<B>>], Loops, Errors, Top>
  /** A loop: `continue(name)` inside the body goes back to its start; falling off the body leaves it. */
  loop<N extends string, R extends StepsCarrier>(
    name: N,
    body: (p: ProtocolBuilder<Name, Initiator, Responder, [], Loops | N, Errors, false>) => R,
  ): ProtocolBuilder<Name, Initiator, Responder, [...Steps, LoopStep<N, StepsOf<R>>], Loops, Errors, Top>
  /** Go back to the start of the enclosing loop `name`. */
  continue<N extends Loops>(name: N): Terminated<[...Steps, ContinueStep<N>]>
  /** Run another protocol on this same session, versioned with this one. */
  inline<P extends AnyProtocol>(
    sub: P,
    options?: InlineOptions<P, Initiator | Responder>,
  ): ProtocolBuilder<Name, Initiator, Responder, [...Steps, InlineStep<P, InlineOptions<P, Initiator | Responder>['roles']>], Loops, Errors, Top>
  /**
   * Apply a segment of steps: `p.pipe(p => p.send(...).receive(...))`. Long protocols are written as
   * several segments, since tsc cannot bind one method chain of more than a few hundred calls.
   */
  pipe<R extends StepsCarrier>(segment: (p: ProtocolBuilder<Name, Initiator, Responder, Steps, Loops, Errors, Top>) => R): R
  /** Declare typed errors (FlowExceptions) either side may raise; they reach the peer with type and details. */
  errors<E extends ErrorSchemas>(errors: E): ProtocolBuilder<Name, Initiator, Responder, Steps, Loops, Errors & E, Top>
  /** The protocol (or this branch) is complete. */
  end(): Top extends true ? ProtocolDefinition<Name, Initiator, Responder, [...Steps, EndStep], Errors> : Terminated<[...Steps, EndStep]>
}

type BranchBodies<Name extends string, I extends string, R extends string, Loops extends string, Errors extends ErrorSchemas> = {
  readonly [branch: string]: (p: ProtocolBuilder<Name, I, R, [], Loops, Errors, false>) => StepsCarrier
}
