/** The steps a builder has recorded so far, as a persistent list. */
import type { StepNode } from './step-node.js'

/** A persistent list: appending shares the prefix, so chains of any length cost O(1) per step. */
export interface Chain {
  readonly previous: Chain | null
  readonly node: StepNode
}

export function toArray(chain: Chain | null): StepNode[] {
  const out: StepNode[] = []
  for (let c = chain; c; c = c.previous) out.push(c.node)
  return out.reverse()
}
