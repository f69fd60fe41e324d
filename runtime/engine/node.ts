/**
 * A node: one party with its store, its network endpoint, and the flows and responders it runs.
 * `createNode` opens (or reopens) the store and resumes every unfinished flow by replay before it
 * resolves; `startFlow` runs a flow durably; `stop` closes the node in order, `crash` as kill -9 would.
 */
import { randomUUID } from 'node:crypto'
import type { Endpoint, Network, NetworkPort } from '../network/network.js'
import type { Envelope, WireMessage } from '../network/wire.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { ResponderRegistration } from '../protocol/session/protocol-family.js'
import { FlowException } from '../protocol/session/session-errors.js'
import { decode, encode } from '../store/codec.js'
import { type Durability, type FlowRow, FlowStore, type InboxRow, type SessionRow } from '../store/sqlite-store.js'
import { type DeclaredProtocol, DeclaredVersions, type StrandedFlow } from './declared-versions.js'
import { FlowKilledError, FlowStartError, NodeDrainingError, NonDeterminismError, RetiredVersionInFlightError, describeStrandedSession, toWireException } from './engine-errors.js'
import { EngineSession, type InboxEvent, responderKey } from './engine-session.js'
import type { Flow } from './flow.js'
import { farewell } from './flow-farewell.js'
import { FlowRun } from './flow-run.js'
import { type HandshakeOutcome, negotiate } from './handshake.js'
import { describeAction, type JournalEntry } from './journal-entry.js'
import { messageIds } from './message-ids.js'
import type { NodeCore, SessionAction } from './node-core.js'
import { type TimerItem, TimerQueue } from './timer-queue.js'
import { type Clock, type ClockTimer, systemClock } from './clock.js'

export interface NodeOptions {
  /** This node's party name, unique on the network. */
  readonly name: string
  /** Path of the SQLite file (created if missing), or ':memory:' (nothing survives a restart). */
  readonly store: string
  readonly network: Network
  /** Flows this node may start or resume; `startFlow` also registers the flow it is given. */
  readonly flows?: readonly Flow[]
  /** Responders that answer sessions initiated by other nodes. */
  readonly responders?: readonly ResponderRegistration[]
  /**
   * The protocols this node's flows initiate, as the generated objects: `[Demo, TwoPartyTrade]`, or
   * `Demo.only(1)` for a build that keeps fewer versions. With the responders' versions this is what the
   * node declares: `createNode` refuses a store holding flows in flight on a version the node no longer
   * declares (RetiredVersionInFlightError), and a flow may open sessions only of the versions listed.
   * Without it, flows this node initiated are not checked at start: a missing version fails the flow
   * when it resumes.
   */
  readonly protocols?: readonly DeclaredProtocol[]
  /**
   * Drain mode, for upgrades (Corda's flow draining): the node resumes and finishes its flows in flight
   * but takes no new work: startFlow throws NodeDrainingError and session inits from peers are rejected
   * (the initiator sees why). `node.drained` resolves once no flow it can run is in flight. Flows on a
   * version this build no longer declares do not stop the start: they stay parked in the store, untouched,
   * until a build that declares the version runs them or an operator kills them. Default false.
   */
  readonly drain?: boolean
  /** 'full' (default) survives power loss; 'fast' (synchronous=NORMAL) survives process crashes only. */
  readonly durability?: Durability
  /**
   * Suspended flows whose every branch waits for a message or a timer leave memory after this long and
   * are rebuilt by replay when something arrives. 0 evicts as soon as the wait is committed; Infinity
   * never evicts. Default 30 s.
   */
  readonly evictIdleAfterMs?: number
  /** Unacknowledged messages are sent again after this long (and at once when the peer re-joins). Default 1 s. */
  readonly redeliverAfterMs?: number
  /**
   * Keep finished flows instead of deleting them: true keeps every flow's row with its outcome and its
   * journal; 'started' keeps only the outcome rows of flows started on this node (so a flow id given by a
   * client runs once and its result can be asked for later), and removes responder flows entirely.
   * Default false.
   */
  readonly keepFinishedFlows?: boolean | 'started'
  /** How long ids of answered session inits are kept to drop late duplicates. Default 7 days. */
  readonly dedupWindowMs?: number
  readonly logger?: FlowLogger
  /**
   * Where the engine reads the time and schedules its timers (durable timers, re-delivery, eviction, the
   * dedup window, start times). Default: the system clock; a test kit passes a simulated one.
   */
  readonly clock?: Clock
  /** Called when any flow on this node ends, including responder flows. */
  readonly onFlowEnd?: (event: FlowEndEvent) => void
  /** Called once each live session action (send, receive, end) is committed; replayed actions are not reported again. */
  readonly onSessionAction?: (event: SessionAction) => void
}

export interface FlowEndEvent {
  readonly flowId: string
  readonly name: string
  readonly kind: 'started' | 'responder'
  readonly ok: boolean
  readonly result?: unknown
  readonly error?: unknown
}

/** A flow left in the store that this build cannot run: its flow, responder or protocol version is missing. */
export interface ParkedFlow {
  readonly flowId: string
  readonly flowName: string
  readonly kind: 'started' | 'responder'
  /** Why, and so what to deploy. */
  readonly reason: string
}

export interface DrainReport {
  /** Flows still in the store because this build cannot run them; finish them with a build that can, or killFlow. */
  readonly parked: readonly ParkedFlow[]
}

export interface FlowHandle<R> {
  readonly flowId: string
  /** Settles with the flow's result or error, also when the flow completes after evictions. */
  readonly result: Promise<R>
  /** Resolves once the start is durable. */
  readonly started: Promise<void>
}

export interface StartOptions {
  /** Use this id instead of a random one (must be unique on the node). */
  readonly flowId?: string
}

export interface NodeStats {
  /** Flows in memory. */
  readonly loaded: number
  readonly evictions: number
  readonly rehydrations: number
  /** Sent messages not yet acknowledged by their receiver. */
  readonly unacknowledged: number
  readonly transactions: number
}

export interface Node {
  readonly name: string
  readonly store: FlowStore
  /** Resolves when every flow found unfinished at open has been replayed to its first live wait (or ended). */
  readonly recovered: Promise<void>
  startFlow<A, R>(flow: Flow<A, R>, args: A, options?: StartOptions): FlowHandle<R>
  /** The result of a flow started earlier, e.g. before a restart. */
  resultOf(flowId: string): Promise<unknown>
  /**
   * Drain mode only: resolves once no flow this build can run is in flight, listing the flows left
   * parked. Rejects when the node does not run in drain mode, or stops before it drained.
   */
  readonly drained: Promise<DrainReport>
  /**
   * Ends an unfinished flow as an operator would (Corda's killFlow), whether it is in memory, evicted or
   * parked: its result rejects with FlowKilledError, the counterparties of its open sessions get
   * UnexpectedFlowEndError at their next interaction, and its rows leave the store. Resolves false when
   * no unfinished flow has that id, or the flow is already ending.
   */
  killFlow(flowId: string): Promise<boolean>
  /** Flows in the store this build cannot run (see ParkedFlow); they stay until a build that can runs them, or killFlow. */
  parkedFlows(): ParkedFlow[]
  readonly stats: NodeStats
  /** Commits what is pending, leaves the network and closes the store. */
  stop(): Promise<void>
  /** Stops at once without committing anything pending: what kill -9 leaves behind. */
  crash(): void
}

export async function createNode(options: NodeOptions): Promise<Node> {
  const node = new EngineNode(options)
  await node.recovered
  return node
}

const quietLogger: FlowLogger = {
  info: () => {},
  warn: (message, fields) => console.warn(`[colloquy] ${message}`, fields ?? ''),
  error: (message, fields) => console.error(`[colloquy] ${message}`, fields ?? ''),
}

interface Deferred {
  promise: Promise<unknown>
  resolve(value: unknown): void
  reject(error: unknown): void
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown }

class EngineNode implements Node, NodeCore, Endpoint {
  readonly name: string
  readonly store: FlowStore
  readonly logger: FlowLogger
  readonly timers: TimerQueue
  readonly clock: Clock
  readonly recovered: Promise<void>
  readonly declared: DeclaredVersions
  readonly drained: Promise<DrainReport>
  private settleDrain!: { resolve(report: DrainReport): void; reject(error: unknown): void }
  private readonly parked = new Map<string, ParkedFlow>()
  private readonly port: NetworkPort
  private readonly flows = new Map<string, Flow>()
  private readonly responders = new Map<string, ResponderRegistration>()
  private readonly runs = new Map<string, FlowRun>()
  private readonly sessions = new Map<string, EngineSession>()
  private readonly results = new Map<string, Deferred>()
  private readonly unacked = new Map<string, { envelope: Envelope; sentAt: number }>()
  private readonly pendingInits = new Set<string>()
  private readonly evictAfter: number
  private readonly redeliverAfter: number
  private retryTimer: ClockTimer | undefined
  private sweepTimer: ClockTimer | undefined
  private stopped = false
  private evictions = 0
  private rehydrations = 0

  constructor(private readonly options: NodeOptions) {
    this.name = options.name
    this.logger = options.logger ?? quietLogger
    this.clock = options.clock ?? systemClock
    this.evictAfter = options.evictIdleAfterMs ?? 30_000
    this.redeliverAfter = options.redeliverAfterMs ?? 1000
    for (const f of options.flows ?? []) this.register(f)
    for (const r of options.responders ?? []) {
      if (this.responders.has(r.protocol)) throw new FlowStartError(`Two responders for ${r.protocol} were given to node ${this.name}; register one responder per protocol.`)
      this.responders.set(r.protocol, r)
    }
    this.declared = new DeclaredVersions([...this.responders.values()], options.protocols)
    this.drained = new Promise<DrainReport>((resolve, reject) => (this.settleDrain = { resolve, reject }))
    this.drained.catch(() => {}) // only drain-mode callers look
    if (!options.drain) this.settleDrain.reject(new FlowStartError(`Node ${this.name} does not run in drain mode, so it never drains; open it with drain: true to finish its flows in flight without taking new work.`))
    this.store = new FlowStore(options.store, { durability: options.durability ?? 'full', onFailure: (error) => this.failStop(error) })
    // Before anything is written: flows that need a protocol version this code no longer declares
    // refuse the start, or, draining, stay parked.
    const stranded = this.declared.strandedFlows(this.store)
    if (stranded.length > 0 && !options.drain) {
      this.store.close()
      throw new RetiredVersionInFlightError(this.name, stranded)
    }
    this.parkStranded(stranded)
    this.store.purgeProcessed(this.clock.now() - (options.dedupWindowMs ?? 7 * 24 * 3600_000))
    this.timers = new TimerQueue((item) => this.onTimer(item), this.clock)

    // Rebuild unfinished flows before joining the network, so early deliveries find their sessions.
    const journals = this.store.allJournals()
    const sessionRows = this.store.allSessions()
    const inboxes = this.store.allInboxes()
    const restored: [FlowRun, () => Promise<unknown>][] = []
    for (const row of this.store.runningFlows()) {
      if (this.parked.has(row.id)) continue
      const built = this.restore(row, journals.get(row.id) ?? [], sessionRows.get(row.id) ?? [], inboxes.get(row.id) ?? [])
      if (built) restored.push(built)
    }
    for (const timer of this.store.timers()) this.timers.add({ due: timer.due, flowId: timer.flow_id, key: timer.key })
    this.port = options.network.attach(this.name, this)
    for (const row of this.store.outbox()) {
      if (this.parked.size > 0 && this.parked.has(this.store.sessionFlow(row.session_key) ?? '')) continue // parked: nothing leaves
      this.transmit(decode<Envelope>(row.envelope), this.sessions.get(row.session_key))
    }
    for (const [run, body] of restored) this.launch(run, body)
    this.recovered = Promise.all(restored.map(([run]) => run.reachedLive)).then(() => this.checkDrained())
  }

  get stats(): NodeStats {
    return {
      loaded: this.runs.size,
      evictions: this.evictions,
      rehydrations: this.rehydrations,
      unacknowledged: this.unacked.size,
      transactions: this.store.commits.stats.transactions,
    }
  }

  // ---- flows ----

  startFlow<A, R>(flow: Flow<A, R>, args: A, options: StartOptions = {}): FlowHandle<R> {
    if (this.stopped) throw new FlowStartError(`Node ${this.name} is stopped; open it again with createNode to start flows.`)
    if (this.options.drain) {
      throw new NodeDrainingError(`Node ${this.name} is draining: it finishes its flows in flight and starts no new ones, so '${flow.name}' was not started. Start it once the node runs without drain mode.`)
    }
    this.register(flow)
    const flowId = options.flowId ?? randomUUID()
    // Only a given id can collide; a fresh UUID needs no look-up in the store.
    if (options.flowId !== undefined && (this.runs.has(flowId) || this.store.flow(flowId))) throw new FlowStartError(`A flow with id ${flowId} already exists on ${this.name}; use a new id.`)
    let encodedArgs: Buffer
    try {
      encodedArgs = encode(args)
    } catch (error) {
      throw new FlowStartError(`The arguments of flow '${flow.name}' cannot be stored (${(error as Error).message}); pass plain data.`)
    }
    this.store.insertFlow(flowId, flow.name, 'started', encodedArgs, this.clock.now())
    const run = new FlowRun(this, flowId, flow.name, 'started', new Map())
    this.launch(run, () => flow.run(run.root, args))
    const result = this.resultOf(flowId) as Promise<R>
    const started = this.store.commits.commit()
    return { flowId, result, started }
  }

  resultOf(flowId: string): Promise<unknown> {
    const existing = this.results.get(flowId)
    if (existing) return existing.promise
    if (!this.runs.has(flowId)) {
      const row = this.store.flow(flowId)
      if (!row) return Promise.reject(new FlowStartError(`No flow ${flowId} on ${this.name}: it never ran here, or it finished and was removed (set keepFinishedFlows to keep outcomes).`))
      if (row.status !== 'running') {
        const outcome = decode<Outcome>((this.store.db.prepare('SELECT outcome FROM flows WHERE id = ?').get(flowId) as { outcome: Buffer }).outcome)
        return outcome.ok ? Promise.resolve(outcome.value) : Promise.reject(outcome.error)
      }
    }
    let resolve!: (value: unknown) => void
    let reject!: (error: unknown) => void
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res
      reject = rej
    })
    promise.catch(() => {}) // the caller may never look; the outcome is also logged
    this.results.set(flowId, { promise, resolve, reject })
    return promise
  }

  private register(flow: Flow): void {
    const known = this.flows.get(flow.name)
    if (known && known.run !== flow.run) {
      throw new FlowStartError(`Node ${this.name} already has a different flow named '${flow.name}'; flow names identify flows in the store and must be unique.`)
    }
    this.flows.set(flow.name, flow)
  }

  private restore(row: FlowRow, journal: { key: string; entry: Buffer }[], sessionRows: SessionRow[], inbox: InboxRow[]): [FlowRun, () => Promise<unknown>] | undefined {
    const args = row.args ? decode<unknown>(row.args) : undefined
    const flowDef = row.kind === 'started' ? this.flows.get(row.name) : undefined
    const responder = row.kind === 'responder' ? this.responders.get(row.name) : undefined
    if (!flowDef && !responder) {
      this.park({ flowId: row.id, flowName: row.name, kind: row.kind, reason: `node ${this.name} has no ${row.kind === 'started' ? 'flow' : 'responder'} registered under that name` })
      return undefined
    }
    const replay = new Map(journal.map((j) => [j.key, decode<JournalEntry>(j.entry)]))
    const run = new FlowRun(this, row.id, row.name, row.kind, replay)
    run.touchedInbox = run.touchedTimers = true
    for (const sessionRow of sessionRows) EngineSession.fromRow(run, sessionRow)
    for (const item of inbox) run.sessions.get(item.session_key)?.restore(item.seq, decode<InboxEvent>(item.event))
    if (flowDef) return [run, () => flowDef.run(run.root, args)]
    const session = run.sessions.get(args as string)
    if (!session) {
      this.logger.error(`Responder flow ${row.id} has no session row ${String(args)}; the store is inconsistent. The flow is skipped.`)
      return undefined
    }
    return [run, () => responder!.run(session, run.root)]
  }

  /** Loads an evicted (or not yet loaded) flow and replays it; undefined when it is gone or unknown. */
  private rehydrate(flowId: string): FlowRun | undefined {
    const loaded = this.runs.get(flowId)
    if (loaded) return loaded
    if (this.parked.has(flowId)) return undefined
    const row = this.store.flow(flowId)
    if (!row || row.status !== 'running') return undefined
    const built = this.restore(row, this.store.journalOf(flowId), this.store.sessionsOf(flowId), this.store.inboxOf(flowId))
    if (!built) return undefined
    this.rehydrations++
    this.launch(...built)
    return built[0]
  }

  private launch(run: FlowRun, body: () => Promise<unknown>): void {
    this.runs.set(run.flowId, run)
    void (async () => {
      let outcome: Outcome
      try {
        const value = await body()
        if (run.fatal) throw run.fatal
        const left = run.unconsumed()
        if (left.length > 0) {
          const [key, entry] = left[0]!
          throw new NonDeterminismError(
            `Flow '${run.name}' (${run.flowId}) on ${this.name} finished its replay without reaching ${left.length} journaled action(s), first ${describeAction(entry)} at ${key}; ` +
              `the flow's code changed while it was in flight. Run the code the flow started with.`,
          )
        }
        outcome = { ok: true, value }
      } catch (error) {
        outcome = { ok: false, error: run.fatal ?? error }
      }
      if (!run.alive) return
      await this.finish(run, outcome)
    })()
  }

  private async finish(run: FlowRun, initial: Outcome): Promise<void> {
    let outcome = initial
    run.state = 'finishing'
    run.markLive()
    // A flow cannot end while a session it opened waits for the peer's answer: the end or error it
    // owes that peer may only leave after the confirm.
    for (const session of run.sessions.values()) {
      if (session.dir !== 'i' || !session.initSent || session.status !== 'opening') continue
      try {
        await session.confirmation()
      } catch (error) {
        if (outcome.ok) outcome = { ok: false, error }
      }
      if (!run.alive) return
    }
    const failure = outcome.ok ? null : outcome.error
    for (const session of run.sessions.values()) {
      session.finalMessage(failure === null ? null : { error: failure, wire: toWireException(failure, session.protocol) })
    }
    const keep = this.options.keepFinishedFlows
    const retain =
      keep === true || (keep === 'started' && run.kind === 'started')
        ? { status: outcome.ok ? ('done' as const) : ('failed' as const), outcome: encodeOutcome(outcome), keepJournal: keep === true }
        : null
    this.store.finishFlow(run.flowId, retain, { inbox: run.touchedInbox, timers: run.touchedTimers })
    await this.store.commits.commit()
    if (!run.alive) return
    run.state = 'done'
    this.unload(run)
    if (!outcome.ok && !(outcome.error instanceof FlowException)) {
      this.logger.error(`Flow '${run.name}' (${run.flowId}) on ${this.name} failed: ${(outcome.error as Error)?.message ?? String(outcome.error)}`)
    }
    const deferred = this.results.get(run.flowId)
    if (deferred) {
      this.results.delete(run.flowId)
      if (outcome.ok) deferred.resolve(outcome.value)
      else deferred.reject(outcome.error)
    }
    this.options.onFlowEnd?.({ flowId: run.flowId, name: run.name, kind: run.kind, ok: outcome.ok, ...(outcome.ok ? { result: outcome.value } : { error: outcome.error }) })
    this.checkDrained()
  }

  // ---- upgrades: parked flows, drain mode, killFlow ----

  parkedFlows(): ParkedFlow[] {
    return [...this.parked.values()]
  }

  private parkStranded(stranded: readonly StrandedFlow[]): void {
    const byFlow = new Map<string, StrandedFlow[]>()
    for (const s of stranded) byFlow.set(s.flowId, [...(byFlow.get(s.flowId) ?? []), s])
    for (const [flowId, sessions] of byFlow) {
      const reason = sessions.map((s) => (s.changed ? describeStrandedSession(s) : `${describeStrandedSession(s)}, which this build does not declare`)).join('; ')
      this.park({ flowId, flowName: sessions[0]!.flowName, kind: sessions[0]!.kind, reason })
    }
  }

  /** Leaves a flow in the store untouched: not run, nothing sent for it, messages for it left with their senders. */
  private park(flow: ParkedFlow): void {
    if (this.parked.has(flow.flowId)) return
    this.parked.set(flow.flowId, flow)
    this.logger.warn(
      `Flow ${flow.flowId} ('${flow.flowName}', ${flow.kind}) stays parked in the store of ${this.name}: ${flow.reason}. ` +
        `Finish it by running a build that declares what it needs, or end it with killFlow('${flow.flowId}').`,
    )
  }

  private checkDrained(): void {
    if (!this.options.drain || this.stopped) return
    if (this.store.runningFlowCount() > this.parked.size) return
    this.settleDrain.resolve({ parked: this.parkedFlows() })
  }

  async killFlow(flowId: string): Promise<boolean> {
    if (this.stopped) throw new FlowStartError(`Node ${this.name} is stopped; open it again with createNode to kill flow ${flowId}.`)
    // What the flow did so far is what its counterparties may have seen: commit it, then read it back.
    this.store.commits.flush()
    const row = this.store.flow(flowId)
    const run = this.runs.get(flowId)
    if (!row || row.status !== 'running' || run?.state === 'finishing') return false
    if (run) {
      run.state = 'dead' // its code hangs at its next engine call; nothing it still does reaches the store
      this.unload(run)
    }
    this.parked.delete(flowId)
    const error = new FlowKilledError(`The flow ${flowId} ('${row.name}') was killed on ${this.name}.`)
    const { errors, discard, owed } = farewell(this.store, this.name, flowId)
    for (const id of discard) {
      this.unacked.delete(id)
      this.store.deleteOutbox(id)
    }
    for (const { envelope, sessionKey } of errors) this.store.putOutbox(envelope.id, sessionKey, encode(envelope))
    const keep = this.options.keepFinishedFlows as boolean | 'started' | undefined
    const retain = keep === true || (keep === 'started' && row.kind === 'started') ? { status: 'failed' as const, outcome: encodeOutcome({ ok: false, error }), keepJournal: keep === true } : null
    this.store.finishFlow(flowId, retain, { inbox: true, timers: true })
    this.store.commits.afterCommit(() => {
      for (const pending of owed) if (!this.unacked.has(pending.id)) this.transmit(decode<Envelope>(pending.envelope), undefined)
      for (const { envelope } of errors) this.transmit(envelope, undefined)
    })
    await this.store.commits.commit()
    this.logger.warn(`Flow ${flowId} ('${row.name}') on ${this.name} was killed; ${errors.length} counterparty session(s) are told it ended.`)
    const deferred = this.results.get(flowId)
    if (deferred) {
      this.results.delete(flowId)
      deferred.reject(error)
    }
    this.options.onFlowEnd?.({ flowId, name: row.name, kind: row.kind, ok: false, error })
    this.checkDrained()
    return true
  }

  private unload(run: FlowRun): void {
    if (this.runs.get(run.flowId) === run) this.runs.delete(run.flowId)
    for (const session of run.sessions.values()) if (this.sessions.get(session.key) === session) this.sessions.delete(session.key)
  }

  // ---- eviction ----

  noteIdle(run: FlowRun): void {
    if (this.evictAfter === Number.POSITIVE_INFINITY || this.stopped) return
    run.idleSince = this.clock.now()
    if (this.evictAfter === 0) {
      this.store.commits.afterCommit(() => this.maybeEvict(run))
      return
    }
    if (this.sweepTimer) return
    this.sweepTimer = this.clock.setInterval(() => this.sweep(), Math.max(10, this.evictAfter / 2))
    this.sweepTimer.unref()
  }

  private sweep(): void {
    const limit = this.clock.now() - this.evictAfter
    for (const run of this.runs.values()) if (run.idle && run.idleSince <= limit) this.maybeEvict(run)
  }

  private maybeEvict(run: FlowRun): void {
    if (!run.idle || this.runs.get(run.flowId) !== run || run.lastBatch > this.store.commits.committedBatch) return
    run.state = 'dead'
    this.unload(run)
    this.evictions++
  }

  // ---- timers ----

  private onTimer(item: TimerItem): void {
    if (this.stopped) return
    const run = this.runs.get(item.flowId)
    if (run) run.timerWaiters.get(item.key)?.()
    else this.rehydrate(item.flowId)
  }

  observe(session: EngineSession, action: SessionAction['action'], label: string | null): void {
    const observer = this.options.onSessionAction
    if (!observer) return
    const run = session.run
    const event: SessionAction = {
      node: this.name,
      flowId: run.flowId,
      flowName: run.name,
      protocol: session.protocol,
      version: session.version,
      role: session.dir === 'i' ? 'initiator' : 'responder',
      counterparty: session.counterparty,
      action,
      label,
    }
    this.store.commits.afterCommit(() => observer(event))
  }

  // ---- messages out ----

  registerSession(session: EngineSession): void {
    this.sessions.set(session.key, session)
  }

  queueMessage(envelope: Envelope, session: EngineSession): number {
    const batch = this.store.putOutbox(envelope.id, session.key, encode(envelope))
    this.store.commits.afterCommit(() => this.transmit(envelope, session))
    return batch
  }

  private transmit(envelope: Envelope, session: EngineSession | undefined): void {
    if (this.stopped) return
    if (session && session.dir === 'i' && envelope.body.t !== 'init') {
      if (session.status === 'opening') {
        session.held.push(envelope)
        return
      }
      if (session.status === 'rejected') {
        this.store.deleteOutbox(envelope.id)
        return
      }
    }
    this.unacked.set(envelope.id, { envelope, sentAt: this.clock.now() })
    this.port.send(envelope)
    this.armRetry()
  }

  private armRetry(): void {
    if (this.retryTimer || this.unacked.size === 0 || this.stopped) return
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined
      const due = this.clock.now() - this.redeliverAfter
      for (const pending of this.unacked.values()) {
        if (pending.sentAt > due) continue
        pending.sentAt = this.clock.now()
        this.port.send(pending.envelope)
      }
      this.armRetry()
    }, this.redeliverAfter)
    this.retryTimer.unref()
  }

  acknowledged(id: string): void {
    if (this.stopped) return
    this.unacked.delete(id)
    this.store.deleteAcknowledged(id)
  }

  peerAvailable(party: string): void {
    if (this.stopped) return
    for (const pending of this.unacked.values()) {
      if (pending.envelope.to !== party) continue
      pending.sentAt = this.clock.now()
      this.port.send(pending.envelope)
    }
  }

  // ---- messages in ----

  async deliver(envelope: Envelope): Promise<void> {
    if (this.stopped) throw new Error(`${this.name} is stopped`)
    const body = envelope.body
    switch (body.t) {
      case 'init':
        this.onInit(envelope, body)
        break
      case 'confirm':
      case 'reject': {
        const session = this.findSession(`i:${body.session}`)
        if (session && session.counterparty !== envelope.from) {
          this.refuseForeign(envelope, session)
          break
        }
        if (session && session.status === 'opening') {
          if (body.t === 'confirm') {
            session.onConfirm(body.version)
            for (const held of session.held.splice(0)) this.transmit(held, session)
          } else {
            session.onReject(body.reason)
            for (const held of session.held.splice(0)) this.store.deleteOutbox(held.id)
          }
        }
        // The peer answered the init: it no longer needs re-sending.
        const initId = messageIds.init(body.session)
        if (this.unacked.delete(initId)) this.store.deleteOutbox(initId)
        break
      }
      default: {
        const key = body.dir === 'i' ? responderKey(envelope.from, body.session) : `i:${body.session}`
        const session = this.findSession(key)
        if (session && session.counterparty !== envelope.from) this.refuseForeign(envelope, session)
        else if (session && session.run.alive && session.status !== 'closed') {
          session.deliver(body.seq, toEvent(body))
        } else if (!session && body.t === 'error' && body.dir === 'i') {
          // The initiator ended (e.g. was killed) before its init got here: a late init must not start a responder.
          this.store.putProcessed(messageIds.init(body.session), this.clock.now())
        }
        // Anything else belongs to a session that ended here: dropped, and acknowledged so it stops.
      }
    }
    await this.store.commits.commit()
  }

  private onInit(envelope: Envelope, body: Extract<WireMessage, { t: 'init' }>): void {
    const key = responderKey(envelope.from, body.session)
    if (this.sessions.has(key) || this.pendingInits.has(envelope.id) || this.store.isProcessed(envelope.id) || this.store.sessionFlow(key)) return
    const registration = this.responders.get(body.protocol)
    const outcome: HandshakeOutcome = this.options.drain
      ? { ok: false, reason: `${this.name} is draining: it finishes its flows in flight and accepts no new ones; try again after its upgrade` }
      : negotiate(body.protocol, this.name, body.versions, registration?.versions)
    this.pendingInits.add(envelope.id)
    this.store.putProcessed(envelope.id, this.clock.now())
    this.store.commits.afterCommit(() => this.pendingInits.delete(envelope.id))
    if (!outcome.ok) {
      this.logger.warn(`Rejected a ${body.protocol} session from ${envelope.from}: ${outcome.reason}.`)
      const reject: Envelope = { id: messageIds.reject(body.session), from: this.name, to: envelope.from, body: { t: 'reject', session: body.session, reason: outcome.reason } }
      this.store.putOutbox(reject.id, key, encode(reject))
      this.store.commits.afterCommit(() => this.transmit(reject, undefined))
      return
    }
    const flowId = randomUUID()
    this.store.insertFlow(flowId, body.protocol, 'responder', encode(key), this.clock.now())
    const run = new FlowRun(this, flowId, body.protocol, 'responder', new Map())
    const hash = registration!.versions.find((v) => v.version === outcome.version)!.hash
    const session = EngineSession.responding(run, envelope.from, body.session, body.protocol, outcome.version, hash)
    session.persist()
    this.queueMessage({ id: messageIds.confirm(body.session), from: this.name, to: envelope.from, body: { t: 'confirm', session: body.session, version: outcome.version } }, session)
    if (body.first) session.deliver(0, { t: 'data', frame: body.first })
    this.launch(run, () => registration!.run(session, run.root))
  }

  /** An authenticated party wrote into a session this node has with someone else: dropped, logged, nothing stored. */
  private refuseForeign(envelope: Envelope, session: EngineSession): void {
    this.logger.warn(
      `${this.name} dropped a ${envelope.body.t} message from ${envelope.from} for session ${envelope.body.session}, which it has with ${session.counterparty}: a party may only write to its own sessions.`,
      { party: envelope.from, reason: 'foreign-session', session: envelope.body.session },
    )
  }

  private findSession(key: string): EngineSession | undefined {
    const loaded = this.sessions.get(key)
    if (loaded) return loaded
    const flowId = this.store.sessionFlow(key)
    if (!flowId) return undefined
    if (this.parked.has(flowId)) {
      // Not processed: the sender keeps the message and re-sends it, until a build that can run the flow takes it.
      throw new Error(`${this.name} keeps flow ${flowId} parked; the message for it stays with its sender.`)
    }
    this.rehydrate(flowId)
    return this.sessions.get(key)
  }

  // ---- lifecycle ----

  async stop(): Promise<void> {
    if (this.stopped) return
    this.store.commits.flush()
    this.halt()
    this.store.close()
    for (const deferred of this.results.values()) {
      deferred.reject(new FlowStartError(`Node ${this.name} stopped before the flow finished; it resumes when the node is opened again (use resultOf there).`))
    }
    this.results.clear()
  }

  crash(): void {
    if (this.stopped) return
    this.halt()
    this.store.crash()
  }

  private halt(): void {
    this.stopped = true
    this.settleDrain.reject(new FlowStartError(`Node ${this.name} stopped before it drained; open it again with drain: true to let its flows finish.`))
    this.port.detach()
    this.timers.stop()
    if (this.retryTimer) this.clock.clearTimeout(this.retryTimer)
    if (this.sweepTimer) this.clock.clearInterval(this.sweepTimer)
    for (const run of this.runs.values()) run.state = 'dead'
    this.runs.clear()
    this.sessions.clear()
  }

  private failStop(error: unknown): void {
    this.logger.error(`Node ${this.name} could not commit to ${this.store.path} and stops: ${(error as Error)?.message ?? String(error)}. Fix the storage and open the node again; unfinished flows resume.`)
    queueMicrotask(() => this.crash())
  }
}

function toEvent(body: Extract<WireMessage, { t: 'data' | 'end' | 'error' }>): InboxEvent {
  if (body.t === 'data') return { t: 'data', frame: body.frame }
  if (body.t === 'end') return { t: 'end' }
  return { t: 'error', exception: body.exception }
}

function encodeOutcome(outcome: Outcome): Buffer {
  if (outcome.ok) return encode(outcome)
  const error = outcome.error
  if (error instanceof FlowException) return encode({ ok: false, error: { name: error.name, message: error.message, errorType: error.errorType, details: error.details } })
  return encode({ ok: false, error: { name: (error as Error)?.name ?? 'Error', message: (error as Error)?.message ?? String(error) } })
}
