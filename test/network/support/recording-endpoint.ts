/**
 * An endpoint that records what the network does to it: envelopes delivered, acknowledgements received,
 * peers announced. Its deliver() can be told to fail or to run a hook, so tests can stand in for a node
 * that crashes mid-delivery or answers every message.
 */
import type { Endpoint, Envelope } from '../../../runtime/network/index.js'

export interface RecordingEndpoint extends Endpoint {
  readonly delivered: string[]
  readonly envelopes: Envelope[]
  readonly acked: string[]
  readonly peers: string[]
  /** Runs inside deliver(); a throw makes the delivery fail ("not processed"). */
  onDeliver?: (envelope: Envelope) => void
}

export function recordingEndpoint(): RecordingEndpoint {
  const endpoint: RecordingEndpoint = {
    delivered: [],
    envelopes: [],
    acked: [],
    peers: [],
    deliver: async (envelope) => {
      endpoint.onDeliver?.(envelope)
      endpoint.delivered.push(envelope.id)
      endpoint.envelopes.push(envelope)
    },
    acknowledged: (id) => {
      endpoint.acked.push(id)
    },
    peerAvailable: (party) => {
      endpoint.peers.push(party)
    },
  }
  return endpoint
}

/** A data envelope from `from` to `to`; its id is `m<seq>`. */
export function dataEnvelope(seq: number, from = 'A', to = 'B'): Envelope {
  return { id: `m${seq}`, from, to, body: { t: 'data', session: 's1', dir: 'i', seq, frame: { kind: 'data', label: 'n', payload: { seq } } } }
}

/** Lets queued microtasks and setImmediate callbacks run. */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
