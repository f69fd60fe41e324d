/**
 * Rebuilding runs from the store: at open, every unfinished flow this build can run (the rest is parked)
 * with its sessions, inbox and timers; later, one evicted flow when something arrives for it. A rebuilt
 * run replays its journal from the start. Store reads are awaited, so two deliveries for one evicted flow
 * share one rehydration (one in flight per flow id), and a flow being killed (`ending`) is not rehydrated:
 * both are decided in memory before and after the reads. A flow whose rows cannot be read or replayed
 * fails alone (flow-failure.ts), at open and on rehydration alike; the other flows are rebuilt. With
 * worker processes (flow-ownership.ts) only a flow this process owns is loaded.
 */
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { decode } from '../store/codec.js'
import type { FlowStore } from '../store/flow-store.js'
import type { FlowRow, InboxRow, JournalRow, SessionRow, SignalRow, TimerRow } from '../store/store-rows.js'
import { EngineSession } from './engine-session.js'
import { FlowElsewhereError } from './engine-errors.js'
import type { FlowLauncher } from './flow-launcher.js'
import { type FlowOwnership, wholeNodeOwnership } from './flow-ownership.js'
import { FlowRun, type RunEnvironment } from './flow-run.js'
import type { InboxEvent } from './inbox-event.js'
import type { JournalEntry } from './journal-entry.js'
import { RESPONDER_SCOPE, ROOT_SCOPE } from './journal-key.js'
import type { LoadedFlows } from './loaded-flows.js'
import type { Parking } from './parking.js'
import type { Registrations } from './registrations.js'
import { ScopeContext } from './scope-context.js'

/** The running flows' rows, as recovery reads them at open. */
export interface StoredFlows {
  readonly journals: Map<string, JournalRow[]>
  /** Session rows by flow id. */
  readonly sessions: Map<string, SessionRow[]>
  readonly inboxes: Map<string, InboxRow[]>
  readonly flows: FlowRow[]
  readonly timers: TimerRow[]
  /** Signals kept for flows, by flow id. */
  readonly signals: Map<string, SignalRow[]>
}

/** Fails a flow that could not be rebuilt (flow-failure.ts); `known` names it when its row was read. */
export type FailRebuild = (flowId: string, doing: string, cause: unknown, known?: FlowRow) => void

/** A run rebuilt from the store and the body that replays it. */
export type RestoredRun = readonly [FlowRun, () => Promise<unknown>]

export class Recovery {
  rehydrations = 0
  /** Rehydrations in flight by flow id: a second delivery for the same flow waits for the first. */
  private readonly rehydrating = new Map<string, Promise<FlowRun | undefined>>()
  /** Flows being killed: they must not come back into memory meanwhile. */
  private readonly ending = new Set<string>()

  constructor(
    private readonly env: RunEnvironment,
    private readonly store: FlowStore,
    private readonly registrations: Registrations,
    private readonly parking: Parking,
    private readonly loaded: LoadedFlows,
    private readonly launcher: FlowLauncher,
    private readonly logger: FlowLogger,
    /** Whether the node stopped: nothing is loaded any more. */
    private readonly stopped: () => boolean,
    /** A flow whose rows cannot be read or replayed fails alone; the others are rebuilt. */
    private readonly fail: FailRebuild,
    /** Flows the hospital keeps out of memory (observed, or waiting for their retry): not rehydrated. */
    readonly kept: (flowId: string) => boolean,
    /** Which flows this process may load (flow-ownership.ts); the embedded node owns every flow. */
    private readonly ownership: FlowOwnership = wholeNodeOwnership,
  ) {}

  /** What recovery needs from the store, read in one go before anything is rebuilt (nothing for a worker, which owns no flow yet). */
  async readAll(): Promise<StoredFlows> {
    // A worker rebuilds nothing at open: it owns no flow yet, and takes flows over through adoption.
    if (!this.ownership.wholeNode) return { journals: new Map(), sessions: new Map(), inboxes: new Map(), flows: [], timers: [], signals: new Map() }
    const store = this.store
    const [journals, sessions, inboxes, flows, timers, signals] = await Promise.all([
      store.allJournals(),
      store.allSessions(),
      store.allInboxes(),
      store.runningFlows(),
      store.timers(),
      store.allSignals(),
    ])
    return { journals, sessions, inboxes, flows, timers, signals }
  }

  /** Every unfinished flow this build can run, rebuilt (not launched) before the node joins the network. */
  rebuildAll({ journals, sessions, inboxes, flows, timers, signals }: StoredFlows): RestoredRun[] {
    const restored: RestoredRun[] = []
    for (const row of flows) {
      if (this.parking.has(row.id)) continue
      try {
        const built = this.restore(row, journals.get(row.id) ?? [], sessions.get(row.id) ?? [], inboxes.get(row.id) ?? [], signals.get(row.id) ?? [])
        if (built) restored.push(built)
      } catch (error) {
        // Ended once the node is on the network (failing awaits the store): its peers are told then.
        this.fail(row.id, 'rebuilding it from the store when the node opened', error, row)
      }
    }
    for (const timer of timers) this.env.timers.add({ due: timer.due, flowId: timer.flow_id, key: timer.key })
    return restored
  }

  /**
   * Loads an evicted (or not yet loaded) flow and replays it; undefined when it is gone, unknown or being
   * killed; rejects with FlowElsewhereError when another worker process owns it (runs it).
   */
  rehydrate(flowId: string): Promise<FlowRun | undefined> {
    const loaded = this.loaded.runs.get(flowId)
    if (loaded) return Promise.resolve(loaded)
    if (this.parking.has(flowId) || this.ending.has(flowId) || this.kept(flowId) || this.stopped()) return Promise.resolve(undefined)
    const inFlight = this.rehydrating.get(flowId)
    if (inFlight) return inFlight
    const rehydration = this.load(flowId).finally(() => this.rehydrating.delete(flowId))
    this.rehydrating.set(flowId, rehydration)
    return rehydration
  }

  /** A durable timer is due: its flow's waiting sleep resumes, loaded first when it was evicted. */
  timerFired(item: { flowId: string; key: string }): void {
    const run = this.loaded.runs.get(item.flowId)
    if (run) run.timerWaiters.get(item.key)?.()
    else
      this.rehydrate(item.flowId).catch((error: unknown) =>
        this.logger.error(
          `Node ${this.env.node} could not load flow ${item.flowId} for its timer: ${(error as Error)?.message ?? String(error)}; it fires when the node opens again.`,
        ),
      )
  }

  /**
   * Marks a flow as being killed until `end` resolves: it is not rehydrated meanwhile, and a rehydration
   * already reading is awaited first (it then gives up), so none completes after the kill. False, without
   * calling `end`, when the flow is already being killed.
   */
  async whileEnding(flowId: string, end: () => Promise<boolean>): Promise<boolean> {
    if (this.ending.has(flowId)) return false
    this.ending.add(flowId)
    try {
      await this.rehydrating.get(flowId)?.catch(() => undefined)
      return await end()
    } finally {
      this.ending.delete(flowId)
    }
  }

  /** A flow whose rows cannot be read or replayed is failed (not retried for every message) and undefined returned. */
  private async load(flowId: string): Promise<FlowRun | undefined> {
    const store = this.store
    let row: FlowRow | undefined
    let built: RestoredRun | undefined
    // Another worker's flow is never loaded here (two runs of one flow would both write its journal), nor failed.
    if (!this.ownership.wholeNode && !(await this.ownership.owns(flowId))) {
      if ((await store.flow(flowId))?.status !== 'running') return undefined // finished: no owner, nothing to load
      throw new FlowElsewhereError(`Flow ${flowId} runs on another worker of node ${this.env.node}; it was not loaded here.`)
    }
    try {
      row = await store.flow(flowId)
      if (row?.status !== 'running') return undefined
      const [journal, sessions, inbox, signals] = await Promise.all([
        store.journalOf(flowId),
        store.sessionsOf(flowId),
        store.inboxOf(flowId),
        store.signalsOf(flowId),
      ])
      // What changed in memory while the store was read wins.
      const loaded = this.loaded.runs.get(flowId)
      if (loaded) return loaded
      if (this.parking.has(flowId) || this.ending.has(flowId) || this.stopped()) return undefined
      built = this.restore(row, journal, sessions, inbox, signals)
    } catch (error) {
      if (this.stopped()) throw error
      this.fail(flowId, 'loading it from the store', error, row)
      return undefined
    }
    if (!built) return undefined
    this.rehydrations++
    this.launcher.launch(...built)
    return built[0]
  }

  private restore(row: FlowRow, journal: JournalRow[], sessionRows: SessionRow[], inbox: InboxRow[], signals: SignalRow[]): RestoredRun | undefined {
    const args = row.args ? decode<unknown>(row.args) : undefined
    const flowDef = row.kind === 'started' ? this.registrations.flows.get(row.name) : undefined
    const responder = row.kind === 'responder' ? this.registrations.responders.get(row.name) : undefined
    if (!flowDef && !responder) {
      this.parking.park({
        flowId: row.id,
        flowName: row.name,
        kind: row.kind,
        reason: `node ${this.env.node} has no ${row.kind === 'started' ? 'flow' : 'responder'} registered under that name`,
      })
      return undefined
    }
    const replay = new Map(journal.map((j) => [j.key, decode<JournalEntry>(j.entry)]))
    const run = new FlowRun(this.env, row.id, row.name, row.kind, replay)
    run.touchedInbox = run.touchedTimers = run.touchedSignals = true
    if (row.owner != null) run.origin = row.client_id == null ? { owner: row.owner } : { owner: row.owner, clientId: row.client_id }
    for (const signal of signals) run.external.signals.set(signal.name, decode<unknown>(signal.payload))
    try {
      for (const sessionRow of sessionRows) {
        const session = EngineSession.fromRow(run, sessionRow)
        if (session.direction === 'responder') session.attach(new ScopeContext(run, RESPONDER_SCOPE))
      }
      for (const item of inbox) run.sessions.get(item.session_key)?.restore(item.seq, decode<InboxEvent>(item.event))
    } catch (error) {
      // Its sessions registered themselves: a half-built run must not take messages.
      run.state = 'dead'
      this.loaded.unload(run)
      throw error
    }
    const root = new ScopeContext(run, ROOT_SCOPE)
    if (flowDef) return [run, () => flowDef.run(root, args)]
    const session = run.sessions.get(args as string)
    if (!session) {
      this.logger.error(`Responder flow ${row.id} has no session row ${String(args)}; the store is inconsistent. The flow is skipped.`)
      return undefined
    }
    return [run, () => responder!.run(session, root)]
  }
}
