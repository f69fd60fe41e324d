/** What `end()` or `continue()` inside a branch or loop returns: any further step is a definition error. */
import { CallSite } from './call-site.js'
import type { DefinitionContext } from './definition-context.js'
import { ProtocolDefinitionError } from './definition-error.js'
import type { StepNode } from './step-node.js'

/** Every step method throws, naming the step and what ended the chain before it. */
export class TerminatedChain {
  constructor(
    private readonly context: DefinitionContext,
    readonly steps: StepNode[],
    private readonly how: string,
  ) {
    for (const op of ['send', 'receive', 'choose', 'offer', 'loop', 'continue', 'inline', 'pipe', 'end'] as const) {
      Object.defineProperty(this, op, {
        enumerable: false,
        value: (label?: unknown) => {
          throw new ProtocolDefinitionError(
            this.context.name,
            this.context.options.version,
            `step '${op}${typeof label === 'string' ? ` ${label}` : ''}' comes after ${this.how}, so it could never run; remove it or move it before ${this.how}`,
            new CallSite(TerminatedChain),
          )
        },
      })
    }
  }
}
