/**
 * The type of the builder protocol authors chain steps on: each call appends its step to the `Steps`
 * list (step-list.ts), so the finished definition carries the protocol's session type at a cost linear in
 * its length. Types only; the builder that records the steps at run time is in protocol-builder.ts.
 */
import type { AnyProtocol, ErrorSchemas, ProtocolDefinition, sessionType } from './protocol-definition.js'
import type { ChooseStep, ContinueStep, EndStep, InlineStep, LoopStep, OfferStep, ReceiveStep, Schema, SendStep } from './session-type.js'
import type { NoSteps, StepList, StepTuple, StepsThen } from './step-list.js'

// StepsCarrier comes first: bundling the declarations moves this file's header onto the first
// declaration, which must have a doc comment of its own to leave the API report as it is.
/** What a branch or loop body may return: a builder (falls through) or a terminated chain. */
export interface StepsCarrier {
  readonly [sessionType]: StepList
}

export interface ProtocolOptions<Initiator extends string, Responder extends string> {
  /** Integer >= 1. Bump it for every change a peer running the previous version could not follow. */
  readonly version: number
  readonly initiator: Initiator
  readonly responder: Responder
}

/** A branch or loop body's steps as a tuple: bodies are converted once, where they are nested. */
type StepsOf<R> = R extends { readonly [sessionType]: infer S } ? StepTuple<S> : never
type BranchSteps<B> = { readonly [K in keyof B]: StepsOf<B[K] extends (...args: never[]) => infer R ? R : never> }

export interface InlineOptions<P extends AnyProtocol, ParentRole extends string> {
  /** Names the generated state; defaults to the sub-protocol's name. */
  readonly label?: string
  /** Which parent role plays each sub-protocol role; defaults to initiator->initiator, responder->responder. */
  readonly roles?: { readonly [R in P['initiator'] | P['responder']]: ParentRole }
}

/** A chain that ended with `end()` or `continue()` inside a branch or loop: nothing may follow it. */
export interface Terminated<Steps extends StepList> {
  readonly [sessionType]: Steps
}

/**
 * The steps recorded on the builder a method was called on. Step methods read them through a `this`
 * type parameter rather than the interface's own `Steps`, so that tsc substitutes the (ever longer)
 * list once, in the same pass as the method's other type arguments, instead of walking it again on
 * every call: this keeps a definition's type-checking cost linear in its length.
 */
type StepsIn<Self extends StepsCarrier> = Self[typeof sessionType]

export interface ProtocolBuilder<
  Name extends string,
  Initiator extends string,
  Responder extends string,
  Steps extends StepList,
  Loops extends string,
  Errors extends ErrorSchemas,
  Top extends boolean,
> {
  readonly [sessionType]: Steps
  /** The initiator sends `label` with a payload matching `schema`. */
  send<L extends string, S extends Schema, Self extends StepsCarrier>(
    this: Self,
    label: L,
    schema: S,
  ): ProtocolBuilder<Name, Initiator, Responder, StepsThen<StepsIn<Self>, SendStep<L, S>>, Loops, Errors, Top>
  /** The initiator receives `label` (the responder sends it). */
  receive<L extends string, S extends Schema, Self extends StepsCarrier>(
    this: Self,
    label: L,
    schema: S,
  ): ProtocolBuilder<Name, Initiator, Responder, StepsThen<StepsIn<Self>, ReceiveStep<L, S>>, Loops, Errors, Top>
  /** The initiator picks one branch; the responder follows it. */
  choose<L extends string, B extends BranchBodies<Name, Initiator, Responder, Loops, Errors>, Self extends StepsCarrier>(
    this: Self,
    label: L,
    branches: B,
  ): ProtocolBuilder<Name, Initiator, Responder, StepsThen<StepsIn<Self>, ChooseStep<L, BranchSteps<B>>>, Loops, Errors, Top>
  /** The responder picks one branch; the initiator follows it. */
  offer<L extends string, B extends BranchBodies<Name, Initiator, Responder, Loops, Errors>, Self extends StepsCarrier>(
    this: Self,
    label: L,
    branches: B,
  ): ProtocolBuilder<Name, Initiator, Responder, StepsThen<StepsIn<Self>, OfferStep<L, BranchSteps<B>>>, Loops, Errors, Top>
  /** A loop: `continue(name)` inside the body goes back to its start; falling off the body leaves it. */
  loop<N extends string, R extends StepsCarrier, Self extends StepsCarrier>(
    this: Self,
    name: N,
    body: (p: ProtocolBuilder<Name, Initiator, Responder, NoSteps, Loops | N, Errors, false>) => R,
  ): ProtocolBuilder<Name, Initiator, Responder, StepsThen<StepsIn<Self>, LoopStep<N, StepsOf<R>>>, Loops, Errors, Top>
  /** Go back to the start of the enclosing loop `name`. */
  continue<N extends Loops, Self extends StepsCarrier>(this: Self, name: N): Terminated<StepsThen<StepsIn<Self>, ContinueStep<N>>>
  /** Run another protocol on this same session, versioned with this one. */
  inline<P extends AnyProtocol, Self extends StepsCarrier>(
    this: Self,
    sub: P,
    options?: InlineOptions<P, Initiator | Responder>,
  ): ProtocolBuilder<Name, Initiator, Responder, StepsThen<StepsIn<Self>, InlineStep<P, InlineOptions<P, Initiator | Responder>['roles']>>, Loops, Errors, Top>
  /**
   * Apply a segment of steps: `p.pipe(p => p.send(...).receive(...))`. Long protocols are written as
   * several segments, since tsc cannot bind one method chain of more than a few hundred calls.
   */
  pipe<R extends StepsCarrier, Self extends StepsCarrier>(this: Self, segment: (p: Self) => R): R
  /** Declare typed errors (FlowExceptions) either side may raise; they reach the peer with type and details. */
  errors<E extends ErrorSchemas, Self extends StepsCarrier>(
    this: Self,
    errors: E,
  ): ProtocolBuilder<Name, Initiator, Responder, StepsIn<Self>, Loops, Errors & E, Top>
  /** The protocol (or this branch) is complete. */
  end(): Top extends true ? ProtocolDefinition<Name, Initiator, Responder, StepsThen<Steps, EndStep>, Errors> : Terminated<StepsThen<Steps, EndStep>>
}

type BranchBodies<Name extends string, I extends string, R extends string, Loops extends string, Errors extends ErrorSchemas> = {
  readonly [branch: string]: (p: ProtocolBuilder<Name, I, R, NoSteps, Loops, Errors, false>) => StepsCarrier
}
