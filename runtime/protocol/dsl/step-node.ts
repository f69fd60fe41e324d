/**
 * The run-time shape of protocol steps, as recorded by the builder (initiator's point of view). The node
 * types are declared with the protocol definition (an inlined step holds a definition, a definition holds
 * its steps); this module names them and describes a step.
 */
import type { StepNode } from './protocol-definition.js'

export type { ChoiceNode, ContinueNode, EndNode, InlineNode, LoopNode, MessageNode, StepNode } from './protocol-definition.js'

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
