/**
 * Rebuilding runs from the store: at open, every unfinished flow this build can run (the rest is parked)
 * with its sessions, inbox and timers; later, one evicted flow when something arrives for it. A rebuilt
 * run replays its journal from the start.
 */
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { decode } from '../store/codec.js'
import type { FlowStore } from '../store/flow-store.js'
import type { FlowRow, InboxRow, JournalRow, SessionRow } from '../store/store-rows.js'
import { EngineSession } from './engine-session.js'
import type { FlowLauncher } from './flow-launcher.js'
import { FlowRun, type RunEnvironment } from './flow-run.js'
import type { InboxEvent } from './inbox-event.js'
import type { JournalEntry } from './journal-entry.js'
import { RESPONDER_SCOPE, ROOT_SCOPE } from './journal-key.js'
import type { LoadedFlows } from './loaded-flows.js'
import type { Parking } from './parking.js'
import type { Registrations } from './registrations.js'
import { ScopeContext } from './scope-context.js'

/** A run rebuilt from the store and the body that replays it. */
export type RestoredRun = readonly [FlowRun, () => Promise<unknown>]

export class Recovery {
  rehydrations = 0

  constructor(
    private readonly env: RunEnvironment,
    private readonly store: FlowStore,
    private readonly registrations: Registrations,
    private readonly parking: Parking,
    private readonly loaded: LoadedFlows,
    private readonly launcher: FlowLauncher,
    private readonly logger: FlowLogger,
  ) {}

  /** Every unfinished flow this build can run, rebuilt (not launched) before the node joins the network. */
  rebuildAll(): RestoredRun[] {
    const journals = this.store.allJournals()
    const sessionRows = this.store.allSessions()
    const inboxes = this.store.allInboxes()
    const restored: RestoredRun[] = []
    for (const row of this.store.runningFlows()) {
      if (this.parking.has(row.id)) continue
      const built = this.restore(row, journals.get(row.id) ?? [], sessionRows.get(row.id) ?? [], inboxes.get(row.id) ?? [])
      if (built) restored.push(built)
    }
    for (const timer of this.store.timers()) this.env.timers.add({ due: timer.due, flowId: timer.flow_id, key: timer.key })
    return restored
  }

  /** Loads an evicted (or not yet loaded) flow and replays it; undefined when it is gone or unknown. */
  rehydrate(flowId: string): FlowRun | undefined {
    const loaded = this.loaded.runs.get(flowId)
    if (loaded) return loaded
    if (this.parking.has(flowId)) return undefined
    const row = this.store.flow(flowId)
    if (!row || row.status !== 'running') return undefined
    const built = this.restore(row, this.store.journalOf(flowId), this.store.sessionsOf(flowId), this.store.inboxOf(flowId))
    if (!built) return undefined
    this.rehydrations++
    this.launcher.launch(...built)
    return built[0]
  }

  private restore(row: FlowRow, journal: JournalRow[], sessionRows: SessionRow[], inbox: InboxRow[]): RestoredRun | undefined {
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
    run.touchedInbox = run.touchedTimers = true
    for (const sessionRow of sessionRows) {
      const session = EngineSession.fromRow(run, sessionRow)
      if (session.direction === 'responder') session.attach(new ScopeContext(run, RESPONDER_SCOPE))
    }
    for (const item of inbox) run.sessions.get(item.session_key)?.restore(item.seq, decode<InboxEvent>(item.event))
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
