/**
 * The ownership port for one worker in a test: flows in `elsewhere` belong to another (imagined) worker,
 * whose messages are kept in `forwarded` as a real ownership keeps them in its table, and whose requests
 * are answered by `owner` when set (the other worker's engine side) and kept in `asked` otherwise (they then
 * wait until `answerAsked`); everything else is this worker's. Claims are held in `claims`, shared between
 * TestOwnerships given the same set. `node` is the engine's side, for adopting flows and delivering
 * forwarded messages.
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

  /** The engine side of the worker that owns the flows `elsewhere`, when it runs in the test. */
  owner: OwnedNode | undefined
  readonly asked: { readonly flowId: string; readonly request: Buffer; readonly answered: (answer: Buffer | 'here') => void }[] = []

  ask(flowId: string, request: Buffer): Promise<Buffer | 'here'> {
    if (!this.elsewhere.has(flowId)) return Promise.resolve('here')
    if (this.owner) return this.owner.answer(flowId, request)
    return new Promise((answered) => this.asked.push({ flowId, request, answered }))
  }

  /** Keys held, by holder: shared between the TestOwnerships of one test. */
  claims = new Map<string, TestOwnership>()

  async claim(key: string): Promise<boolean> {
    const holder = this.claims.get(key)
    if (holder && holder !== this) return false
    this.claims.set(key, this)
    return true
  }

  release(key: string): void {
    if (this.claims.get(key) === this) this.claims.delete(key)
  }

  /** How the node stopped, in order. */
  readonly detached: boolean[] = []

  detach(orderly: boolean): void {
    this.node = undefined
    this.detached.push(orderly)
  }
}
