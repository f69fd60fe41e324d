/** The sealed value a protocol declaration produces, with its step tree: what the generator and the runtime read. */
import type { CallSite } from './call-site.js'
import type { Schema } from './session-type.js'
import type { StepList, StepTuple } from './step-list.js'

/** Phantom key carrying the session type; it exists only in the type system. */
export declare const sessionType: unique symbol

export type ErrorSchemas = { readonly [name: string]: Schema }

export interface ProtocolDefinition<
  Name extends string = string,
  Initiator extends string = string,
  Responder extends string = string,
  Steps extends StepList = StepList,
  Errors extends ErrorSchemas = ErrorSchemas,
> {
  readonly kind: 'colloquy.protocol'
  readonly name: Name
  readonly version: number
  readonly initiator: Initiator
  readonly responder: Responder
  /** The steps, from the initiator's point of view, ending with `end`. */
  readonly steps: readonly StepNode[]
  /** Declared errors (typed FlowExceptions) either side may raise. */
  readonly errors: Readonly<Errors>
  /** Every message payload schema by label (labels are unique within a protocol). */
  readonly messages: ReadonlyMap<string, Schema>
  /** Where `protocol(...)` was called. */
  readonly at: CallSite
  readonly [sessionType]: Steps
}

export type AnyProtocol = ProtocolDefinition<string, string, string, StepList, ErrorSchemas>

/** The session type of a protocol value, from the initiator's point of view. */
export type SessionOf<P> = P extends ProtocolDefinition<string, string, string, infer S, ErrorSchemas> ? StepTuple<S> : never

export function isProtocolDefinition(value: unknown): value is AnyProtocol {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'colloquy.protocol'
}

/** The steps as recorded by the builder; see step-node.ts. */
interface NodeBase {
  readonly at: CallSite
}

export interface MessageNode extends NodeBase {
  readonly op: 'send' | 'receive'
  readonly label: string
  readonly schema: Schema
}

export interface ChoiceNode extends NodeBase {
  readonly op: 'choose' | 'offer'
  readonly label: string
  readonly branches: ReadonlyMap<string, readonly StepNode[]>
}

export interface LoopNode extends NodeBase {
  readonly op: 'loop'
  readonly name: string
  readonly body: readonly StepNode[]
}

export interface ContinueNode extends NodeBase {
  readonly op: 'continue'
  readonly name: string
}

export interface InlineNode extends NodeBase {
  readonly op: 'inline'
  readonly label: string
  readonly protocol: ProtocolDefinition
  /** sub-protocol role -> parent role */
  readonly roles: Readonly<Record<string, string>>
}

export interface EndNode extends NodeBase {
  readonly op: 'end'
}

export type StepNode = MessageNode | ChoiceNode | LoopNode | ContinueNode | InlineNode | EndNode
