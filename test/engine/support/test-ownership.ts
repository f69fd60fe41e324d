/**
 * The ownership port for one worker in a test: flows in `elsewhere` belong to another (imagined) worker,
 * whose messages are kept in `forwarded` as a real ownership keeps them in its table; everything else is
 * this worker's. `node` is the engine's side, for adopting flows and delivering forwarded messages.
 */
import type { FlowOwnership, MessageRoute, OwnedNode } from '../../../runtime/engine/index.js'
import type { Envelope } from '../../../runtime/network/wire.js'

export class TestOwnership implements FlowOwnership {
  readonly wholeNode = false
  readonly elsewhere = new Set<string>()
  readonly forwarded: { readonly flowId: string; readonly envelope: Envelope }[] = []
  /** Acknowledgements this worker received for messages it was not sending. */
  readonly acknowledgements: string[] = []
  node: OwnedNode | undefined

  attach(node: OwnedNode): void {
    this.node = node
  }

  async route(flowId: string, envelope: Envelope): Promise<MessageRoute> {
    if (!this.elsewhere.has(flowId)) return 'here'
    this.forwarded.push({ flowId, envelope: structuredClone(envelope) })
    return 'forwarded'
  }

  async owns(flowId: string): Promise<boolean> {
    return !this.elsewhere.has(flowId)
  }

  acknowledged(id: string): void {
    this.acknowledgements.push(id)
  }

  /** How the node stopped, in order. */
  readonly detached: boolean[] = []

  detach(orderly: boolean): void {
    this.node = undefined
    this.detached.push(orderly)
  }
}
