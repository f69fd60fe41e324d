/**
 * A node: one party with its store, its network endpoint, and the flows and responders it runs. It only composes its parts: the
 * outbox (what leaves), the inbound path (what arrives), the handshake answer, recovery and eviction (runs rebuilt from the store),
 * parking and drain (upgrades), killFlow, the outcome policy, the results callers wait for, the event hub, flow failures, the
 * hospital. `openNode` reads the store (awaited), rebuilds every unfinished flow before joining the network and resolves once they
 * replayed; `createNode` (runtime/create-node.ts) opens the store for a path. Store reads are awaited only off the hot paths (see
 * runtime/store/flow-store.ts); `startFlow` stays synchronous (the flow id check there).
 */
import type { Observable } from 'rxjs'
import type { NetworkPort } from '../network/network.js'
import type { Envelope } from '../network/wire.js'
import { checkNodeName } from '../protocol/party-name.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { decode } from '../store/codec.js'
import type { FlowStore } from '../store/flow-store.js'
import { type Clock, systemClock } from './clock.js'
import { CommitFaultReport } from './commit-fault-report.js'
import { ClientIds } from './client-ids.js'
import { DeclaredVersions } from './declared-versions.js'
import { defaultLogger } from './default-logger.js'
import { Drain } from './drain.js'
import { FlowStartError, NodeDrainingError, RetiredVersionInFlightError } from './engine-errors.js'
import { EventHub } from './event-hub.js'
import { Eviction } from './eviction.js'
import type { Flow } from './flow.js'
import { parseFlowArgs } from './flow-args.js'
import type { FlowEvent } from './flow-events.js'
import { FlowFailure } from './flow-failure.js'
import { FlowLauncher } from './flow-launcher.js'
import { type FlowOwnership, wholeNodeOwnership } from './flow-ownership.js'
import { FlowRequests } from './flow-requests.js'
import { FlowResults } from './flow-results.js'
import type { FlowRun, RunEnvironment } from './flow-run.js'
import { FlowStarter } from './flow-starter.js'
import { HandshakeAnswer } from './handshake-answer.js'
import { type Ward, createWard } from './hospital/ward.js'
import { KnownParties } from './known-parties.js'
import { Inbound } from './inbound.js'
import { type KillParts, killFlow } from './kill-flow.js'
import { LoadedFlows } from './loaded-flows.js'
import type { DrainReport, FlowHandle, Node, NodeStats, ParkedFlow, StartOptions } from './node-api.js'
import { NodeClaims } from './node-claims.js'
import { networkEndpoint, ownedNode } from './node-endpoints.js'
import { NodeOperations } from './node-operations.js'
import type { NodeOptions } from './node-options.js'
import { NodeQuotas } from './node-quotas.js'
import { Outbox } from './outbox.js'
import { OutcomePolicy } from './outcome-policy.js'
import { OutcomeRemoval } from './outcome-removal.js'
import { Parking } from './parking.js'
import { ProgressHub } from './progress-hub.js'
import { type FailRebuild, Recovery } from './recovery.js'
import { Registrations } from './registrations.js'
import { TimerQueue } from './timer-queue.js'

/** Opens a node on a store the caller opened; the node owns the store from here on. */
export async function openNode(options: NodeOptions & { readonly store: FlowStore }): Promise<Node> {
  const node = new EngineNode(options, options.store)
  await node.open(options)
  await node.recovered
  return node
}

class EngineNode extends NodeOperations implements Node {
  readonly name: string
  recovered: Promise<void> = Promise.resolve()
  readonly events: Observable<FlowEvent>
  private readonly logger: FlowLogger
  private readonly clock: Clock
  private readonly drain: Drain
  private readonly parking: Parking
  private readonly registrations: Registrations
  private readonly loaded = new LoadedFlows()
  private readonly timers: TimerQueue
  private readonly outbox: Outbox
  private readonly hub: EventHub
  private readonly results: FlowResults
  private readonly launcher: FlowLauncher
  private readonly eviction: Eviction
  private readonly recovery: Recovery
  private readonly env: RunEnvironment
  private readonly killParts: KillParts
  /** Where every asynchronous path hands a fault that concerns one flow (flow-failure.ts). */
  private readonly failure: FlowFailure
  private readonly declared: DeclaredVersions
  private readonly parties: KnownParties
  private readonly inbound: Inbound
  private port: NetworkPort | undefined
  private stopped = false
  private readonly starter: FlowStarter
  private readonly removal: OutcomeRemoval
  private readonly quotas: NodeQuotas
  private readonly progressHub: ProgressHub
  private readonly clientIds: ClientIds
  private readonly ward: Ward
  private readonly handshake: HandshakeAnswer
  readonly hospital: Ward['operations']
  private readonly ownership: FlowOwnership
  private readonly requests: FlowRequests

  /** ES-private: the node answers status questions itself and does not hand its store out. */
  readonly #store: FlowStore

  constructor(options: NodeOptions, store: FlowStore) {
    super(store)
    checkNodeName(options.name)
    this.#store = store
    const name = (this.name = options.name)
    const logger = (this.logger = options.logger ?? defaultLogger)
    const clock = (this.clock = options.clock ?? systemClock)
    const ownership = (this.ownership = options.ownership ?? wholeNodeOwnership)
    this.registrations = new Registrations(name, options.flows ?? [], options.responders ?? [])
    const declared = (this.declared = new DeclaredVersions([...this.registrations.responders.values()], options.protocols))
    const parking = (this.parking = new Parking(name, logger))
    this.drain = new Drain(name, options.drain ?? false, store, parking)
    store.onCommitFailure(new CommitFaultReport(name, store.location, logger, clock, () => this.crash()))
    this.timers = new TimerQueue((item) => !this.stopped && this.recovery.timerFired(item), clock)
    const failFlow = (flowId: string, doing: string, cause: unknown) => this.failure.failFlow(flowId, doing, cause)
    const quotas = (this.quotas = new NodeQuotas(name, options.quotas, { clock, timers: this.timers, parking, fail: failFlow }))
    const unsendable = (envelope: Envelope, error: unknown) => this.failure.unsendable(envelope, error)
    this.outbox = new Outbox(store, clock, options.redeliverAfterMs ?? 1000, unsendable, quotas.backlog)
    const parties = (this.parties = new KnownParties(name, logger))
    this.hub = new EventHub(name, store.commits, options, logger)
    this.events = this.hub.events
    quotas.watch(this.hub)
    this.results = new FlowResults(name, store, (flowId) => this.loaded.runs.has(flowId))
    const claims = new NodeClaims({ node: name, clock, ownership, stopped: () => this.stopped })
    const progress = (this.progressHub = new ProgressHub({ node: name, store, loaded: this.loaded, publish: (update) => this.hub.progress(update) }))
    this.hub.onEnded((end) => progress.ended(end))
    this.clientIds = new ClientIds({ store, results: this.results, loaded: this.loaded, claims })
    const policy = new OutcomePolicy(options.keepFinishedFlows)
    const fail = (run: FlowRun, doing: string, error: unknown) => this.failure.failRun(run, doing, error)
    const { loaded, registrations, outbox, timers } = this
    const rehydrate = (flowId: string) => this.recovery.rehydrate(flowId)
    const kill = (flowId: string) => this.killFlow(flowId)
    const retry = (flowId: string) => this.requests.retry(flowId)
    const patient = (flowId: string) => this.requests.patient(flowId)
    const wardParts = { node: name, clock, logger, store, loaded, options: options.hospital, registrations, outbox, timers }
    const ward = (this.ward = createWard({ ...wardParts, rehydrate, kill, retry, patient }))
    this.hospital = ward.operations
    const hospital = ward.hospital
    this.hub.onEnded((end) => hospital.ended(end.flowId, end.name, end.ok))
    const parts = { node: name, logger, store, loaded, policy, results: this.results, events: this.hub, drain: this.drain, fail, hospital }
    this.launcher = new FlowLauncher(parts)
    this.eviction = new Eviction(options.evictIdleAfterMs ?? 30_000, clock, store, this.loaded)
    const { hub: events, eviction } = this
    const keepSentPayloads = options.keepSentPayloads ?? false
    this.env = { node: name, logger, clock, store, outbox, sessions: loaded, timers, declared, parties, events, eviction, progress, hospital, keepSentPayloads }
    const stopped = () => this.stopped
    this.starter = new FlowStarter({ ...parts, clock, env: this.env, launcher: this.launcher, stopped, claims })
    const failRebuild: FailRebuild = (flowId, doing, error, row) => void this.failure.failStored(flowId, doing, error, row)
    const kept = (flowId: string) => hospital.keeps(flowId)
    this.recovery = new Recovery(this.env, store, registrations, parking, loaded, this.launcher, logger, stopped, failRebuild, kept, ownership)
    this.killParts = { ...parts, parking, outbox: this.outbox, recovery: this.recovery, stopped }
    this.failure = new FlowFailure(this.killParts)
    this.removal = new OutcomeRemoval({ node: name, store, loaded: this.loaded, stopped })
    const signals = { node: name, clock, store, loaded: this.loaded, rehydrate: (flowId: string) => this.recovery.rehydrate(flowId) }
    const killHere = (flowId: string) => killFlow(this.killParts, flowId)
    const status = (flowId: string) => this.statusHere(flowId)
    const requests = (this.requests = new FlowRequests({ node: name, ownership, store, loaded, hospital, signals, kill: killHere, status }))
    const { results, clientIds } = this
    const peerParts = { declared, backlog: quotas.backlog, port: () => this.port }
    this.operate({ name, registrations, loaded, results, clientIds, progress, requests, hospital, ...peerParts })
    const answerParts = { ...parts, draining: options.drain ?? false, env: this.env, clock, outbox, registrations, launcher: this.launcher, claims }
    const handshake = (this.handshake = new HandshakeAnswer({
      ...answerParts,
      responders: quotas.responders,
      stopped,
      hold: (envelope, reason) => ward.inits.hold(envelope, reason),
    }))
    const inboundParts = { node: name, clock, logger, store, loaded, parking, recovery: this.recovery, outbox, handshake, stopped, ownership }
    this.inbound = new Inbound({ ...inboundParts, held: quotas.held, responders: quotas.responders, failure: this.failure })
  }

  /** Reads the store, rebuilds unfinished flows, joins the network and launches them (once, from openNode). */
  async open(options: NodeOptions): Promise<void> {
    const store = this.#store
    const parking = this.parking
    // Before anything is written: flows that need a protocol version this code no longer declares
    // refuse the start, or, draining, stay parked.
    const stranded = await this.declared.strandedFlows(store).catch((error: unknown) => {
      store.close()
      throw error
    })
    if (stranded.length > 0 && !options.drain) {
      store.close()
      throw new RetiredVersionInFlightError(this.name, stranded)
    }
    parking.parkStranded(stranded)
    await store.purgeProcessed(this.clock.now() - (options.dedupWindowMs ?? 7 * 24 * 3600_000))
    const stored = await this.recovery.readAll()
    await this.ward.hospital.open()
    const outboxRows = this.ownership.wholeNode ? await store.outbox() : [] // a worker owns no flow yet
    // From here on synchronous, as before reads became asynchronous: no delivery or timer comes in between.
    // Rebuild unfinished flows before joining the network, so early deliveries find their sessions.
    const restored = this.recovery.rebuildAll(stored)
    this.quotas.start(stored, this.clock.now())
    const parkedSessions = new Set(parking.list().flatMap((p) => (stored.sessions.get(p.flowId) ?? []).map((row) => row.key)))
    const { inbound, outbox, ownership, failure, recovery, timers, loaded, requests, results } = this
    const parts = { store, inbound, outbox, ownership, failure, recovery, timers, loaded, requests, results }
    this.port = options.network.attach(this.name, networkEndpoint(parts))
    this.outbox.connect(this.port)
    this.parties.connect(this.port)
    this.parties.warnUnknownPeers(stored.sessions)
    for (const row of outboxRows) {
      if (parkedSessions.has(row.session_key)) continue // parked: nothing leaves
      this.outbox.transmit(decode<Envelope>(row.envelope), this.loaded.sessions.get(row.session_key))
    }
    for (const [run, body] of restored) this.launcher.launch(run, body)
    // Session inits held for a responder this build registers are answered now.
    await this.ward.inits.resume(
      (protocol) => this.registrations.responders.has(protocol),
      (envelope) => this.handshake.resume(envelope),
    )
    ownership.attach(ownedNode(parts))
    this.recovered = Promise.all(restored.map(([run]) => run.reachedLive)).then(() => this.drain.check())
  }

  get drained(): Promise<DrainReport> {
    return this.drain.drained
  }

  get stats(): NodeStats {
    return {
      loaded: this.loaded.runs.size,
      evictions: this.eviction.evictions,
      rehydrations: this.recovery.rehydrations,
      unacknowledged: this.outbox.unacknowledged,
      transactions: this.#store.commits.stats.transactions,
    }
  }

  startFlow<A, R>(flow: Flow<A, R>, args: A, options: StartOptions = {}): FlowHandle<R> {
    if (this.stopped) throw new FlowStartError(`Node ${this.name} is stopped; open it again with createNode to start flows.`)
    const begin = (flowId?: string) => {
      if (this.drain.enabled) {
        throw new NodeDrainingError(
          `Node ${this.name} is draining: it finishes its flows in flight and starts no new ones, so '${flow.name}' was not started. Start it once the node runs without drain mode.`,
        )
      }
      this.registrations.register(flow)
      return this.starter.start(flow, args, flowId === undefined ? options : { ...options, flowId })
    }
    if (options.clientId === undefined) return begin()
    // Checked before the id is looked up, as every start's arguments; a known id then ignores them.
    if (flow.argsSchema) parseFlowArgs(flow.name, flow.argsSchema, args)
    return this.clientIds.start({ clientId: options.clientId, owner: options.owner ?? '' }, begin, options.flowId)
  }

  parkedFlows(): ParkedFlow[] {
    return this.parking.list()
  }

  async killFlow(flowId: string): Promise<boolean> {
    if (this.stopped) throw new FlowStartError(`Node ${this.name} is stopped; open it again with createNode to kill flow ${flowId}.`)
    return this.requests.kill(flowId) // here, or by the worker process that runs it (flow-requests.ts)
  }

  removeOutcome(flowId: string): Promise<boolean> {
    return this.removal.remove(flowId)
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.#store.commits.flush()
    this.halt(true)
    const closed = this.#store.close()
    this.results.rejectAll(
      new FlowStartError(`Node ${this.name} stopped before the flow finished; it resumes when the node is opened again (use resultOf there).`),
    )
    await closed // a store that commits over the network resolves once its last batch committed
  }

  crash(): void {
    if (this.stopped) return
    this.halt(false)
    this.#store.crash()
  }

  private halt(orderly: boolean): void {
    this.stopped = true
    this.drain.halt()
    this.port?.detach()
    this.ownership.detach(orderly)
    this.timers.stop()
    this.outbox.stop()
    this.quotas.stop()
    this.eviction.stop()
    this.ward.hospital.stop()
    this.loaded.clear()
    this.progressHub.complete()
    this.hub.complete()
  }
}
