/**
 * Failing one flow safely: where the engine itself fails for a flow (a value that cannot be encoded while
 * the flow ends, a write or read the store refuses for it, a message the network will not take, a journal
 * that cannot be replayed), every asynchronous path hands the fault here instead of letting it escape.
 * The flow dies where it stands, is ended from what the store holds (as killFlow ends a flow: its
 * counterparties get the error frames they are owed, the outcome policy decides what stays), its result
 * rejects with FlowFailedError naming what failed, and the fault is logged once. Nothing here throws or
 * rejects: when the store refuses to end the flow too, it stays parked (listed, not rehydrated, ended by
 * killFlow or by the next start) and the node keeps serving its other flows. `contained` is for faults
 * that concern no flow (a subscriber that throws): logged, and the node carries on.
 */
import type { Envelope } from '../network/wire.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { decode } from '../store/codec.js'
import type { FlowStore } from '../store/flow-store.js'
import type { FlowRow } from '../store/store-rows.js'
import { describeError } from './describe-error.js'
import type { Drain } from './drain.js'
import { NodeStoppedError } from './engine-errors.js'
import type { EventHub } from './event-hub.js'
import { farewell } from './flow-farewell.js'
import { FlowFailedError } from './flow-failed-error.js'
import type { FlowResults } from './flow-results.js'
import type { FlowRun } from './flow-run.js'
import type { LoadedFlows } from './loaded-flows.js'
import { messageIds } from './message-ids.js'
import type { Outbox } from './outbox.js'
import type { OutcomePolicy } from './outcome-policy.js'
import type { Parking } from './parking.js'
import type { Recovery } from './recovery.js'
import { senderKey } from './session-key.js'

/** What ending a flow from the store needs (killFlow and failures alike). */
export interface EndParts {
  readonly node: string
  readonly logger: FlowLogger
  readonly store: FlowStore
  readonly parking: Parking
  readonly outbox: Outbox
  readonly policy: OutcomePolicy
  readonly results: FlowResults
  readonly events: EventHub
  readonly drain: Drain
  /** Whether the node stopped while the store was read: then nothing is written. */
  readonly stopped: () => boolean
}

export interface FailureParts extends EndParts {
  readonly loaded: LoadedFlows
  readonly recovery: Pick<Recovery, 'whileEnding'>
}

/** How a flow ends from the store: with which error, and what is logged once it ended. */
export interface Ending {
  /** What the node was doing, for the message if it stops meanwhile ("killing flow x"). */
  readonly doing: string
  readonly error: (row: FlowRow) => Error
  readonly ended: (row: FlowRow, told: number) => void
}

/** A flow as far as it is known without the store: for messages and for parking it. */
type Known = { readonly name: string; readonly kind: 'started' | 'responder' }

/**
 * Ends a running flow from what the store holds, whether it is in memory (dead already), evicted or
 * parked: what it did so far is committed and read back, every counterparty session still waiting gets an
 * error frame (flow-farewell.ts), the outcome policy decides what stays, and once that is durable its
 * result rejects and its end is reported. False when the store holds no running flow of that id.
 */
export async function endFromStore(parts: EndParts, flowId: string, ending: Ending): Promise<boolean> {
  const { node, store, outbox } = parts
  // What the flow did so far is what its counterparties may have seen: commit it, then read it back.
  store.commits.flush()
  await store.commits.commit()
  const row = await store.flow(flowId)
  if (row?.status !== 'running') return false
  const { errors, discard, owed } = await farewell(store, node, flowId)
  if (parts.stopped()) throw new NodeStoppedError(`Node ${node} stopped while ${ending.doing}; open it again and end the flow there.`)
  parts.parking.release(flowId)
  const error = ending.error(row)
  for (const id of discard) outbox.discard(id)
  for (const { envelope, sessionKey } of errors) outbox.write(envelope, sessionKey)
  // Registered before the flow's rows are finished: the peers are told even if the store refuses that.
  store.commits.afterCommit(() => {
    for (const pending of owed) outbox.transmitUnlessPending(decode<Envelope>(pending.envelope))
    for (const { envelope } of errors) outbox.transmit(envelope, undefined)
  })
  store.finishFlow(flowId, parts.policy.retention(row.kind, { ok: false, error }, row.client_id != null), {
    inbox: true,
    timers: true,
    signals: true,
    hospital: true,
  })
  await store.commits.commit()
  ending.ended(row, errors.length)
  parts.results.settle(flowId, { ok: false, error })
  parts.events.flowEnded({ flowId, name: row.name, kind: row.kind, ok: false, error })
  parts.drain.check()
  return true
}

export class FlowFailure {
  constructor(private readonly parts: FailureParts) {}

  /** A flow in memory failed inside the engine while `doing` (a phrase: "ending", "taking a message from B"). */
  failRun(run: FlowRun, doing: string, cause: unknown): void {
    if (this.parts.stopped()) return
    if (run.state === 'done') {
      this.contained(`after flow ${run.flowId} ('${run.name}') ended, while ${doing}`, cause)
      return
    }
    run.state = 'dead'
    this.parts.loaded.unload(run)
    void this.failStored(run.flowId, doing, cause, run)
  }

  /** A flow failed while `doing`: the run in memory if there is one, otherwise the flow in the store. */
  failFlow(flowId: string, doing: string, cause: unknown): void {
    const run = this.parts.loaded.runs.get(flowId)
    if (run) this.failRun(run, doing, cause)
    else void this.failStored(flowId, doing, cause)
  }

  /** Ends a flow that is not (or no longer) in memory; resolves once it ended or was parked, never rejects. */
  async failStored(flowId: string, doing: string, cause: unknown, known?: Known): Promise<void> {
    const parts = this.parts
    if (parts.stopped()) return
    const { node, logger } = parts
    const reason = describeError(cause)
    const named = (name: string) => `Flow '${name}' (${flowId}) on ${node}`
    const failed = (name: string) =>
      new FlowFailedError(
        `${named(name)} failed inside the engine while ${doing}: ${reason}. The flow was ended and its counterparties were told; fix the cause and start it again.`,
        { cause },
      )
    logger.error(`${named(known?.name ?? '?')} failed inside the engine while ${doing}: ${reason}; it is ended and its counterparties are told.`)
    try {
      await parts.recovery.whileEnding(flowId, () =>
        endFromStore(parts, flowId, { doing: `ending failed flow ${flowId}`, error: (row) => failed(row.name), ended: () => {} }),
      )
    } catch (error) {
      if (parts.stopped()) return
      // The store refuses to end it as well: it stays parked (not rehydrated, listed, ended by killFlow or
      // the next start) rather than failing again for every message that arrives for it.
      parts.parking.park({
        flowId,
        flowName: known?.name ?? '?',
        kind: known?.kind ?? 'started',
        reason: `it failed inside the engine while ${doing} (${reason}) and the store refused to end it (${describeError(error)})`,
      })
      parts.results.settle(flowId, { ok: false, error: failed(known?.name ?? '?') })
    }
  }

  /**
   * The network would not take a message: it is not sent again. A frame the peer waits for is replaced by
   * an error frame with its sequence number, a confirm by a reject (so the peer's flow ends instead of
   * waiting), and the flow that sent it fails.
   */
  unsendable(envelope: Envelope, cause: unknown): void {
    const { outbox, loaded, store } = this.parts
    if (this.parts.stopped()) return
    const body = envelope.body
    const key = senderKey(envelope)
    const doing = `sending message ${envelope.id} to ${envelope.to}`
    try {
      let replacement: Envelope | undefined
      if (body.t === 'data' || body.t === 'end') {
        replacement = { ...envelope, body: { t: 'error', session: body.session, dir: body.dir, seq: body.seq, exception: null } }
      } else if (body.t === 'confirm') {
        // The initiator waits for an answer: a reject saying why ends its session.
        const reason = `${envelope.from} could not send its confirm (${describeError(cause)})`
        replacement = { ...envelope, id: messageIds.reject(body.session), body: { t: 'reject', session: body.session, reason } }
        outbox.discard(envelope.id)
      } else outbox.discard(envelope.id)
      if (replacement) {
        const sent = replacement
        outbox.write(sent, key)
        store.commits.afterCommit(() => outbox.transmit(sent, undefined))
      }
    } catch (error) {
      this.contained(`replacing message ${envelope.id} that could not be sent`, error)
    }
    const session = loaded.sessions.get(key)
    if (session) {
      this.failFlow(session.flowId, doing, cause)
      return
    }
    store.sessionFlow(key).then(
      (flowId) => flowId !== undefined && this.failFlow(flowId, doing, cause),
      (error: unknown) => this.contained(`finding the flow of message ${envelope.id}`, error),
    )
  }

  /** A fault that concerns no flow (or one that already ended): logged, and the node carries on. */
  contained(doing: string, cause: unknown): void {
    this.parts.logger.error(`Node ${this.parts.node} caught an error ${doing}: ${describeError(cause)}; it carries on.`)
  }
}
