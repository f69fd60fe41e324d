/**
 * One flow in memory: its journal, its sessions and the bookkeeping that decides when it is idle (every
 * branch waits for a message or a timer) and may be evicted. A run is disposable: after a crash or an
 * eviction the flow is rebuilt by running its function again against the journal.
 */
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { z } from 'zod'
import type { WaitForResult } from '../protocol/session/channel.js'
import type { FlowOrigin, FlowStore } from '../store/flow-store.js'
import type { Clock } from './clock.js'
import type { DeclaredVersions } from './declared-versions.js'
import { type FlowKilledError, NonDeterminismError } from './engine-errors.js'
import type { KnownParties } from './known-parties.js'
import type { SessionActionSink } from './flow-events.js'
import type { FlowSession } from './flow-session.js'
import { FlowJournal } from './journal.js'
import { type JournalEntry, type RequestedAction, describeAction, matches } from './journal-entry.js'
import type { MessageQueue } from './outbox.js'
import { type ProgressChange, ProgressTracker } from './progress-tracker.js'
import type { TimerItem } from './timer-queue.js'
import type { WaitingFor } from './waiting-for.js'

/**
 * 'dead': the run left memory because the node stopped or crashed, or it was evicted; its code must never
 * resume (a later run replays the flow). 'killed': an operator killed the flow; its code learns it through
 * FlowKilledError so its catch and finally run, but nothing it does reaches the store or the network.
 */
export type RunState = 'running' | 'finishing' | 'done' | 'dead' | 'killed'

/** The store writes a run, its scopes and its sessions make themselves. */
export type RunStore = Pick<
  FlowStore,
  'putJournal' | 'putSession' | 'updateSession' | 'putInbox' | 'putTimer' | 'deleteTimer' | 'setProgress' | 'putSignal' | 'deleteSignal' | 'commits'
>

/** Where a run reports its progress changes (progress-hub.ts); `current` when it resumes live with progress to show. */
export interface ProgressSink {
  changed(run: FlowRun, change: ProgressChange | 'current'): void
}

/** A run's external events: waits in progress by name, signals kept (decoded), names delivered (once per flow). */
export interface ExternalEventState {
  readonly waits: Map<string, EventWait>
  readonly signals: Map<string, unknown>
  readonly delivered: Set<string>
}

/** A ctx.waitFor in progress (external-events.ts): the schema a signal must pass, and how to hand it over. */
export interface EventWait {
  readonly schema: z.ZodType
  /** Records the outcome at the wait's journal key and resumes the flow (which then awaits the commit). */
  readonly complete: (result: WaitForResult<unknown>) => void
}

/** What a run, its scopes and its sessions need from their node: each part narrow, none of them the node. */
export interface RunEnvironment {
  readonly node: string
  readonly logger: FlowLogger
  readonly clock: Clock
  readonly store: RunStore
  /** Where sessions queue what they send. */
  readonly outbox: MessageQueue
  /** Makes a session reachable for incoming messages. */
  readonly sessions: { register(session: FlowSession): void }
  /** Durable timers in memory. */
  readonly timers: { add(item: TimerItem): void }
  /** The protocol versions the node's code declares; sessions may only be opened with those. */
  readonly declared: Pick<DeclaredVersions, 'assertInitiates'>
  /** The network's members; sessions may only be opened with another one of them. */
  readonly parties: Pick<KnownParties, 'assertCounterparty'>
  /** Live session actions, reported once durable. */
  readonly events: SessionActionSink
  /** Progress changes of live runs. */
  readonly progress: ProgressSink
  /** The flow hospital: whether it takes an error (a failed step is then not journaled). */
  readonly hospital: { wouldKeep(run: FlowRun, error: unknown): boolean }
  /** A run may have become idle: consider it for eviction. */
  readonly eviction: { noteIdle(run: FlowRun): void }
  /** Sends journal their payload or branch too (NodeOptions.keepSentPayloads). */
  readonly keepSentPayloads: boolean
}

const never = new Promise<never>(() => {})

export class FlowRun {
  state: RunState = 'running'
  readonly journal: FlowJournal
  /** Sessions of this flow by key, in creation order. */
  readonly sessions = new Map<string, FlowSession>()
  /** Durable timers this run waits for, by journal key. */
  readonly timerWaiters = new Map<string, () => void>()
  /** Who started it and with which client id (node.startFlow with clientId or owner). */
  origin: FlowOrigin | undefined
  /** The flow's own progress tracker, made when first asked for (most flows never are). */
  private tracker: ProgressTracker | undefined
  /** What each waiting branch waits for (waiting-for.ts); made on the first wait. */
  private waitSet: Set<WaitingFor> | undefined
  /** External events (external-events.ts); made when the flow first waits for one or is signalled. */
  private events: ExternalEventState | undefined
  touchedSignals = false
  /** Set when the flow was killed: every engine call of the run throws it from then on. */
  killed: FlowKilledError | undefined
  /** Rejects the waits in progress: a kill ends them with its error. */
  private readonly waiting = new Set<(error: unknown) => void>()
  /** Set when replay detected a deviation: the flow fails with it even if user code catches it. */
  fatal: Error | undefined
  /**
   * A step failure the hospital takes (retry or observation) is not journaled; the flow ends with it even
   * if its code catches it, and nothing after it is recorded, so the retry replays to the same point.
   */
  retryCause: unknown
  /** Operations in progress that are not waits (step bodies, commits). */
  busy = 0
  /** Branches waiting for a message, a confirm or a timer. */
  waits = 0
  /** Last group-commit batch holding a write of this run; eviction waits until it is committed. */
  lastBatch = 0
  idleSince = 0
  touchedInbox = false
  touchedTimers = false
  /** Resolves when the run got past its journal (first live action or wait) or ended: "recovered". */
  readonly reachedLive: Promise<void>
  private markReached!: () => void
  private isLive = false
  readonly log: FlowLogger

  constructor(
    readonly env: RunEnvironment,
    readonly flowId: string,
    readonly name: string,
    readonly kind: 'started' | 'responder',
    replay: Map<string, JournalEntry>,
  ) {
    this.journal = new FlowJournal(env.store, flowId, replay)
    this.reachedLive = new Promise<void>((resolve) => (this.markReached = resolve))
    if (replay.size === 0) this.markLive()
    const base = env.logger
    const fields = (extra?: Record<string, unknown>) => ({ flow: name, flowId, node: env.node, ...extra })
    // While replaying, the flow re-executes code that already logged; stay quiet until it is live.
    this.log = {
      info: (message, extra) => this.isLive && base.info(message, fields(extra)),
      warn: (message, extra) => this.isLive && base.warn(message, fields(extra)),
      error: (message, extra) => this.isLive && base.error(message, fields(extra)),
    }
  }

  get alive(): boolean {
    return this.state === 'running' || this.state === 'finishing'
  }

  get replaying(): boolean {
    return this.journal.replaying
  }

  /**
   * What an engine call of a run that is no longer alive returns: for a dead (crashed or evicted) run a
   * promise that never settles, so its code never goes on; for a killed run its FlowKilledError, so the
   * flow's catch and finally run.
   */
  hang<T>(): Promise<T> {
    return this.killed ? Promise.reject(this.killed) : never
  }

  /**
   * Kills the run where it stands: the waits in progress (a receive, a confirm, a timer) reject with
   * `error`, and every later engine call throws it without recording anything.
   */
  kill(error: FlowKilledError): void {
    this.state = 'killed'
    this.killed = error
    for (const reject of this.waiting) reject(error)
    this.waiting.clear()
  }

  /**
   * The recorded entry at `key`, consumed; undefined when the journal has none (the action is live).
   * A recorded entry of another kind or name is non-determinism: the flow fails.
   */
  recorded(key: string, wanted: RequestedAction, where: string): JournalEntry | undefined {
    const entry = this.journal.take(key)
    if (entry === undefined) {
      this.markLive()
      return undefined
    }
    if (!matches(entry, wanted)) {
      const error = new NonDeterminismError(
        `Flow '${this.name}' (${this.flowId}) on ${this.env.node} deviated from its journal at ${where}: the journal recorded ` +
          `${describeAction(entry)} but the replay asked to ${describeAction(wanted)}. A flow must make the same calls in the same ` +
          `order when it is replayed; run the code the flow started with, or let it fail and start it again.`,
      )
      this.fatal ??= error
      throw error
    }
    if (!this.journal.replaying) this.markLive()
    return entry
  }

  /** Records a live action in the journal, in the current batch; a killed run records nothing. */
  record(key: string, entry: JournalEntry): void {
    if (this.killed) throw this.killed
    if (this.retryCause !== undefined) throw this.retryCause
    this.lastBatch = this.journal.record(key, entry)
  }

  /** The hospital took the run (retry or observation): "recovered" need not wait for it. */
  releaseRecovered(): void {
    this.markReached()
  }

  markLive(): void {
    if (this.isLive) return
    this.isLive = true
    this.markReached()
    // Progress set while replaying was not reported; the step it reached is, now.
    if (this.reportsProgress) this.env.progress.changed(this, 'current')
  }

  /** The flow's own progress tracker (ctx.progress at the root; sub-flows nest theirs under it). */
  get progress(): ProgressTracker {
    if (!this.tracker) {
      const tracker = (this.tracker = new ProgressTracker())
      tracker.listen((change) => this.env.progress.changed(this, change))
    }
    return this.tracker
  }

  /** What the waiting branches wait for now. */
  get waitingFor(): readonly WaitingFor[] {
    return this.waitSet ? [...this.waitSet] : []
  }

  get external(): ExternalEventState {
    this.events ??= { waits: new Map(), signals: new Map(), delivered: new Set() }
    return this.events
  }

  /** Whether the flow declared progress steps or moved its tracker. */
  get reportsProgress(): boolean {
    return this.tracker?.used === true
  }

  /** Whether the run got past its journal: its actions and progress are new, not replayed. */
  get live(): boolean {
    return this.isLive
  }

  /** Waits for the current batch to commit; a run that died meanwhile never resumes. */
  async commit(): Promise<void> {
    this.busy++
    try {
      await this.env.store.commits.commit()
    } finally {
      this.busy--
    }
    if (!this.alive) return this.hang()
  }

  /**
   * Runs a wait for something outside the flow; the run counts as idle while all its branches wait. `what`
   * says what it waits for, while it does (node.flowStatus).
   */
  wait<T>(executor: (resolve: (value: T) => void, reject: (error: unknown) => void) => void, what?: WaitingFor): Promise<T> {
    if (!this.alive) return this.hang()
    this.markLive()
    this.waits++
    if (what) (this.waitSet ??= new Set()).add(what)
    let settled = false
    const promise = new Promise<T>((resolve, reject) => {
      const fail = (error: unknown) => {
        if (settled) return
        settled = true
        if (what) this.waitSet?.delete(what)
        this.waits--
        this.waiting.delete(fail)
        reject(error)
      }
      this.waiting.add(fail)
      executor((value) => {
        if (settled) return
        settled = true
        if (what) this.waitSet?.delete(what)
        this.waits--
        this.waiting.delete(fail)
        resolve(value)
      }, fail)
    })
    if (this.busy === 0) this.env.eviction.noteIdle(this)
    return promise
  }

  get idle(): boolean {
    return this.state === 'running' && this.waits > 0 && this.busy === 0
  }
}
