/**
 * Keys only one process of a node may act on at a time (flow-ownership.ts, `claim`): worker processes that
 * serve one node each decide from their own reads whether a session init was answered, a client id or a
 * caller-given flow id started; two of them deciding at once would both write it, and the store refuses the
 * second commit. A process holds the key before it reads and lets go once what it wrote committed, so the
 * next one reads it. A key another live process holds is tried again with back-off (5 ms doubling to 200 ms,
 * on the node's clock); one whose holder's lease ran out is taken over. The embedded node (`wholeNode`)
 * asks nothing.
 */
import { createHash } from 'node:crypto'
import type { ClientIdentity } from '../store/flow-store.js'
import type { Clock } from './clock.js'
import { NodeStoppedError } from './engine-errors.js'
import type { FlowOwnership } from './flow-ownership.js'

export interface ClaimParts {
  readonly node: string
  readonly clock: Clock
  readonly ownership: Pick<FlowOwnership, 'wholeNode' | 'claim' | 'release'>
  readonly stopped: () => boolean
}

export class NodeClaims {
  constructor(private readonly parts: ClaimParts) {}

  /** Whether the node shares its store with other processes (then keys are claimed). */
  get shared(): boolean {
    return !this.parts.ownership.wholeNode
  }

  /** Resolves once this process holds `key`; rejects with NodeStoppedError when the node stops first. */
  async hold(key: string): Promise<void> {
    const { ownership, clock, stopped, node } = this.parts
    if (ownership.wholeNode) return
    let delayMs = 5
    for (;;) {
      if (stopped()) throw new NodeStoppedError(`${node} is stopped`)
      if (await ownership.claim(key)) return
      await new Promise<void>((resolve) => clock.setTimeout(resolve, delayMs))
      delayMs = Math.min(delayMs * 2, 200)
    }
  }

  release(key: string): void {
    if (!this.parts.ownership.wholeNode) this.parts.ownership.release(key)
  }
}

/** The claim keys. */
export const claimKeys = {
  init: (seen: string) => `init:${seen}`,
  flow: (flowId: string) => `flow:${flowId}`,
  client: (client: ClientIdentity) => `client:${client.owner.length}:${client.owner}${client.clientId}`,
}

/**
 * The flow id every process of a node gives a client-id start without a caller-given id, so two processes
 * starting the same client id at once hand out the same handle (a UUID-shaped hash of owner and id).
 */
export function sharedClientFlowId(client: ClientIdentity): string {
  const hex = createHash('sha256').update(`${client.owner}\u0000${client.clientId}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
