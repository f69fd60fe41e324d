/**
 * A network inside one process, for tests and benchmarks. Envelopes are structured-cloned on send (no
 * shared objects, as on a wire). In 'auto' mode queued envelopes are delivered on the next turn of the
 * event loop; in 'manual' mode nothing moves until the test calls `step()` or `settle()`, so a scenario
 * runs in the same order every time. Faults come from a seeded plan or a per-envelope rule: drop,
 * duplicate, reorder, delay, and lost acknowledgements. A detached (crashed) party loses what is sent to it.
 * The network knows every party that attached at any time and every party declared up front (the `parties`
 * option, `declare`): a session with any other party is refused by the engine, a known one that is not
 * attached is waited for.
 */
import { PARTY_NAME_RULE, partyNameProblem } from '../protocol/party-name.js'
import type { Endpoint, Network, NetworkPort } from './network.js'
import { NetworkEndpointError, NetworkUnsettledError } from './network-errors.js'
import { seededRandom } from './seeded-random.js'
import type { Envelope } from './wire.js'

/** Per-envelope decision of a fault rule. */
export type FaultAction = 'deliver' | 'drop' | 'duplicate' | 'hold' | { readonly delayMs: number }

export interface FaultPlan {
  /** Seed for the probabilistic faults (default 1). */
  readonly seed?: number
  /** Probability that an envelope is lost. */
  readonly drop?: number
  /** Probability that an envelope is delivered twice. */
  readonly duplicate?: number
  /** Probability that an envelope is delivered after envelopes sent later. */
  readonly reorder?: number
  /** Probability that an acknowledgement is lost (the sender will re-send). */
  readonly dropAck?: number
  /** Extra latency per envelope in 'auto' mode: a fixed value or a [min, max] range. */
  readonly delayMs?: number | readonly [number, number]
  /** A rule evaluated first for each envelope; return undefined to fall through to the probabilities. */
  readonly rule?: (envelope: Envelope) => FaultAction | undefined
}

export interface InMemoryNetworkOptions {
  readonly mode?: 'auto' | 'manual'
  readonly faults?: FaultPlan
  /** Parties known before their nodes attach: flows may open sessions with them and wait until they do. */
  readonly parties?: readonly string[]
}

type Item =
  | { readonly kind: 'message'; readonly envelope: Envelope }
  | { readonly kind: 'ack'; readonly id: string; readonly sender: string; readonly receiver: string }

export interface NetworkStats {
  sent: number
  delivered: number
  dropped: number
  duplicated: number
  acked: number
}

export class InMemoryNetwork implements Network {
  readonly mode: 'auto' | 'manual'
  readonly stats: NetworkStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, acked: 0 }
  private readonly endpoints = new Map<string, Endpoint>()
  /** Parties declared or attached at any time. */
  private readonly members = new Set<string>()
  private queue: Item[] = []
  private held: Envelope[] = []
  private faults: FaultPlan
  private random: () => number
  private scheduled = false
  private inFlight = 0

  constructor(options: InMemoryNetworkOptions = {}) {
    this.mode = options.mode ?? 'auto'
    this.faults = options.faults ?? {}
    this.random = seededRandom(this.faults.seed ?? 1)
    this.declare(...(options.parties ?? []))
  }

  /** Makes parties known before their nodes attach, so sessions opened with them wait instead of failing. */
  declare(...parties: string[]): void {
    for (const party of parties) this.members.add(checkedParty(party))
  }

  /** Whether `party` was declared or has attached at some time (it may be detached now). */
  knows(party: string): boolean {
    return this.members.has(party)
  }

  /** Replaces the fault plan (e.g. switch faults off to let a scenario finish). */
  setFaults(plan: FaultPlan): void {
    this.faults = plan
    this.random = seededRandom(plan.seed ?? 1)
  }

  attach(party: string, endpoint: Endpoint): NetworkPort {
    checkedParty(party)
    if (this.endpoints.has(party)) throw new NetworkEndpointError(`${party} is already attached to this network; stop or crash the old node first.`)
    this.endpoints.set(party, endpoint)
    this.members.add(party)
    for (const [other, peer] of this.endpoints) if (other !== party) queueMicrotask(() => peer.peerAvailable(party))
    let attached = true
    return {
      send: (envelope) => {
        if (attached) this.enqueueMessage(structuredClone(envelope))
      },
      detach: () => {
        if (!attached) return
        attached = false
        if (this.endpoints.get(party) === endpoint) this.endpoints.delete(party)
      },
      knows: (other) => this.members.has(other),
      peerStatus: (other) => ({ connection: this.endpoints.has(other) ? 'connected' : 'down' }),
      roster: () => ({
        parties: [...this.members].sort(),
        source: 'the in-memory network',
        remedy: 'declare a party whose node attaches later with network.declare(name) or the parties option of InMemoryNetwork',
      }),
    }
  }

  /** Envelopes and acknowledgements waiting to move. */
  get pending(): number {
    return this.queue.length
  }

  /** Envelopes a rule put on hold, in send order. */
  get onHold(): readonly Envelope[] {
    return this.held
  }

  /** Delivers held envelopes (all, or those matching `filter`). */
  release(filter: (envelope: Envelope) => boolean = () => true): void {
    const keep: Envelope[] = []
    for (const envelope of this.held) filter(envelope) ? this.queue.push({ kind: 'message', envelope }) : keep.push(envelope)
    this.held = keep
    this.schedule()
  }

  /** Moves one queued item (the oldest, or a later one when reordering); resolves when the receiver is done with it. */
  async step(): Promise<boolean> {
    if (this.queue.length === 0) return false
    let index = 0
    if (this.queue.length > 1 && this.chance(this.faults.reorder)) index = 1 + Math.floor(this.random() * (this.queue.length - 1))
    const [item] = this.queue.splice(index, 1)
    await this.move(item!)
    return true
  }

  /** Manual mode: steps until nothing is queued and the nodes have gone quiet. */
  async settle(maxSteps = 100_000): Promise<void> {
    let quietTurns = 0
    for (let steps = 0; steps < maxSteps; ) {
      if (await this.step()) {
        steps++
        quietTurns = 0
        continue
      }
      if (this.inFlight === 0 && ++quietTurns > 3) return
      await new Promise((resolve) => setImmediate(resolve))
    }
    throw new NetworkUnsettledError(`The network did not settle within ${maxSteps} steps; a flow may be looping.`)
  }

  private enqueueMessage(envelope: Envelope): void {
    this.stats.sent++
    const action = this.faults.rule?.(envelope) ?? this.randomAction()
    if (action === 'drop') {
      this.stats.dropped++
      return
    }
    if (action === 'hold') {
      this.held.push(envelope)
      return
    }
    const delay = typeof action === 'object' ? action.delayMs : this.randomDelay()
    const push = () => {
      this.queue.push({ kind: 'message', envelope })
      if (action === 'duplicate') {
        this.stats.duplicated++
        this.queue.push({ kind: 'message', envelope: structuredClone(envelope) })
      }
      this.schedule()
    }
    if (delay > 0 && this.mode === 'auto') setTimeout(push, delay)
    else push()
  }

  private randomAction(): FaultAction {
    if (this.chance(this.faults.drop)) return 'drop'
    if (this.chance(this.faults.duplicate)) return 'duplicate'
    return 'deliver'
  }

  private randomDelay(): number {
    const d = this.faults.delayMs
    if (d === undefined) return 0
    if (typeof d === 'number') return d
    return d[0] + this.random() * (d[1] - d[0])
  }

  private chance(p: number | undefined): boolean {
    return p !== undefined && p > 0 && this.random() < p
  }

  private schedule(): void {
    if (this.mode !== 'auto' || this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      const batch = this.queue
      this.queue = []
      if (this.faults.reorder) {
        for (let i = batch.length - 1; i > 0; i--) {
          if (!this.chance(this.faults.reorder)) continue
          const j = Math.floor(this.random() * (i + 1))
          ;[batch[i], batch[j]] = [batch[j]!, batch[i]!]
        }
      }
      for (const item of batch) void this.move(item)
    })
  }

  private async move(item: Item): Promise<void> {
    if (item.kind === 'ack') {
      const sender = this.endpoints.get(item.sender)
      if (sender) {
        this.stats.acked++
        sender.acknowledged(item.id, item.receiver)
      }
      return
    }
    const { envelope } = item
    const receiver = this.endpoints.get(envelope.to)
    if (!receiver) {
      this.stats.dropped++
      return
    }
    this.inFlight++
    try {
      await receiver.deliver(envelope)
    } catch {
      return // not processed: the sender re-sends it
    } finally {
      this.inFlight--
    }
    this.stats.delivered++
    if (this.endpoints.get(envelope.to) !== receiver) return // crashed before acknowledging
    if (this.chance(this.faults.dropAck)) return
    this.queue.push({ kind: 'ack', id: envelope.id, sender: envelope.from, receiver: envelope.to })
    this.schedule()
  }
}

/** A party declared or attached must have a valid name (protocol/party-name.ts). */
function checkedParty(party: string): string {
  const problem = partyNameProblem(party)
  if (problem !== undefined) throw new NetworkEndpointError(`The party name ${JSON.stringify(party)} ${problem}; ${PARTY_NAME_RULE}. Use a name of that form.`)
  return party
}
