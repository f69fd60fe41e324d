/** The run-time shape of protocol steps, as recorded by the builder (initiator's point of view). */
import type { CallSite } from './call-site.js'
import type { Schema } from './session-type.js'
import type { ProtocolDefinition } from './protocol-definition.js'

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

/** A short human description of a step, used in errors and JSDoc. */
export function describeStep(node: StepNode): string {
  switch (node.op) {
    case 'send':
    case 'receive':
    case 'choose':
    case 'offer':
      return `${node.op} ${node.label}`
    case 'loop':
    case 'continue':
      return `${node.op} ${node.name}`
    case 'inline':
      return `inline ${node.protocol.name} v${node.protocol.version} as ${node.label}`
    case 'end':
      return 'end'
  }
}
