/**
 * An in-process network on which a party may attach several times, as the worker processes of one node share
 * its NATS consumer: a message to the party reaches one of its endpoints in turn (`spread: 'one'`), or every
 * one of them at the same moment (`spread: 'all'`, two workers each getting a copy of one message, as a
 * redelivery to a second consumer does). A message is acknowledged to the endpoint that sent it once a
 * delivery resolved; a refused delivery is not (the outbox sends it again). Envelopes are structured-cloned.
 */
import type { Endpoint, Network, NetworkPort } from '../../../runtime/network/network.js'
import type { Envelope } from '../../../runtime/network/wire.js'

export class WorkerNetwork implements Network {
  private readonly endpoints = new Map<string, Endpoint[]>()
  private turn = 0
  spread: 'one' | 'all' = 'one'
  delivered = 0

  constructor(private readonly parties: readonly string[]) {}

  attach(party: string, endpoint: Endpoint): NetworkPort {
    const list = this.endpoints.get(party) ?? []
    list.push(endpoint)
    this.endpoints.set(party, list)
    for (const [other, peers] of this.endpoints) if (other !== party) for (const peer of peers) queueMicrotask(() => peer.peerAvailable(party))
    let attached = true
    return {
      send: (envelope) => {
        if (attached) setImmediate(() => this.carry(structuredClone(envelope), () => attached && endpoint.acknowledged(envelope.id, envelope.to)))
      },
      knows: (other) => this.parties.includes(other),
      roster: () => ({ parties: [...this.parties].sort(), source: 'the worker test network', remedy: 'list it in the test' }),
      detach: () => {
        attached = false
        const left = (this.endpoints.get(party) ?? []).filter((e) => e !== endpoint)
        this.endpoints.set(party, left)
      },
    }
  }

  private carry(envelope: Envelope, acknowledge: () => void): void {
    const targets = this.endpoints.get(envelope.to) ?? []
    if (targets.length === 0) return // down: the sender's outbox sends it again
    const chosen = this.spread === 'all' ? targets : [targets[this.turn++ % targets.length]!]
    for (const target of chosen) {
      this.delivered++
      target.deliver(structuredClone(envelope)).then(acknowledge, () => undefined)
    }
  }
}
