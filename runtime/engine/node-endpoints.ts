/**
 * What a node hands the ports it sits on: the network's `Endpoint` (deliveries, acknowledgements, peers
 * that came back) and the ownership's `OwnedNode` (flows adopted from another worker, messages and
 * acknowledgements another worker received for this one, operations it was asked for on this one's flows,
 * flows that ended there). Both lead to the same inbound path, outbox and results.
 */
import type { Endpoint } from '../network/network.js'
import type { Envelope } from '../network/wire.js'
import type { FlowStore } from '../store/flow-store.js'
import { adoptFlows, resendOrphans } from './flow-adoption.js'
import type { FlowFailure } from './flow-failure.js'
import type { FlowOwnership, OwnedNode } from './flow-ownership.js'
import type { FlowRequests } from './flow-requests.js'
import type { FlowResults } from './flow-results.js'
import type { Inbound } from './inbound.js'
import type { LoadedFlows } from './loaded-flows.js'
import type { Outbox } from './outbox.js'
import type { Recovery } from './recovery.js'
import type { TimerQueue } from './timer-queue.js'

export interface EndpointParts {
  readonly store: FlowStore
  readonly inbound: Pick<Inbound, 'deliver'>
  readonly outbox: Outbox
  readonly ownership: Pick<FlowOwnership, 'acknowledged'>
  readonly failure: Pick<FlowFailure, 'contained'>
  readonly recovery: Recovery
  readonly timers: TimerQueue
  readonly loaded: LoadedFlows
  readonly requests: Pick<FlowRequests, 'answer'>
  readonly results: Pick<FlowResults, 'ended'>
}

export function networkEndpoint({ store, inbound, outbox, ownership, failure }: EndpointParts): Endpoint {
  return {
    deliver: (envelope: Envelope) => inbound.deliver(envelope),
    acknowledged: (id: string) => {
      try {
        if (!outbox.isPending(id)) ownership.acknowledged(id) // another worker of the node may be sending it
        outbox.acknowledged(id)
        // Durable once the delete commits: until then the transport keeps the acknowledgement unconfirmed, so
        // that a worker dying first leaves it to another (which deletes the row) instead of to no one.
        return store.commits.commitLazily()
      } catch (error) {
        // The row stays: sent again after a restart, the receiver drops the duplicate.
        failure.contained(`deleting acknowledged message ${id} from the outbox`, error)
        return undefined
      }
    },
    peerAvailable: (party: string) => outbox.peerAvailable(party),
  }
}

export function ownedNode(parts: EndpointParts): OwnedNode {
  const { store, recovery, timers, outbox, loaded, inbound, requests, results } = parts
  return {
    adopt: (flowIds) => adoptFlows({ store, recovery, timers, outbox, loaded }, flowIds),
    resendOrphans: () => resendOrphans({ store, outbox }),
    deliver: (envelope) => inbound.deliver(envelope),
    acknowledged: (id) => outbox.acknowledgedElsewhere(id),
    answer: (flowId, request) => requests.answer(flowId, request),
    ended: (flowId) => results.ended(flowId),
  }
}
