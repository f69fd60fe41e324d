/**
 * The ownership port (runtime/engine/flow-ownership.ts) for one worker process of a node on PostgreSQL
 * (docs/scale-out.md): it registers the worker (worker-lease.ts), gives the store its commit fence, routes
 * messages for flows not in memory (flow-forwarding.ts) and operations on them (worker-requests.ts), holds
 * claims (worker-claims.ts), hands the engine what other workers forwarded or asked (worker-inbox.ts), the
 * acknowledgements they received and the flows that ended there (worker-listener.ts), broadcasts the
 * acknowledgements it received for messages it was not sending, and takes over the flows of workers whose
 * lease ran out (flow-takeover.ts): at attach and at every renewal, a third of the lease. When its own lease
 * is lost it stops and tells `whenLost`'s handler: the node must stop and the process exit (its commits are
 * refused from then on anyway). It opens a small pool of its own and one LISTEN connection, closed by `detach`.
 */
import pg from 'pg'
import type { FlowOwnership, MessageRoute, OwnedNode } from '../engine/flow-ownership.js'
import type { Envelope } from '../network/wire.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { encode } from '../store/codec.js'
import { type ClaimTarget, takeOver } from './flow-takeover.js'
import { type ForwardTarget, forwardMessage, ownsFlow } from './flow-forwarding.js'
import { ackChannel, endedChannel, workerChannel } from './sql-names.js'
import { forgetClaims, releaseClaims, tryClaim } from './worker-claims.js'
import { type WorkerLeaseLostError, WorkerStoppedError } from './worker-errors.js'
import type { CommitFence } from './worker-fence.js'
import { WorkerInbox, type WorkerStats } from './worker-inbox.js'
import { WorkerLease } from './worker-lease.js'
import { WorkerListener } from './worker-listener.js'
import { forgetRequests } from './worker-requests.js'
import { installWorkerSchema } from './worker-schema.js'
import { type WorkerSettings, workerSettings } from './worker-settings.js'

export interface WorkerOptions extends Partial<WorkerSettings> {
  /** The node's database (the worker opens a small pool of its own, and one LISTEN connection). */
  readonly url: string
  readonly schema: string
  readonly node: string
  readonly logger: FlowLogger
}

/** Largest payload of one acknowledgement notification (PostgreSQL allows 8000 bytes). */
const ACK_PAYLOAD_BYTES = 7000

export type { WorkerStats } from './worker-inbox.js'

export class WorkerOwnership implements FlowOwnership {
  readonly wholeNode = false
  readonly stats: WorkerStats = { forwarded: 0, received: 0, adopted: 0, asked: 0, answered: 0 }
  private node: OwnedNode | undefined
  private listener: WorkerListener | undefined
  private readonly target: ForwardTarget
  private claimTarget: ClaimTarget
  private readonly inbox: WorkerInbox
  private taking: Promise<void> | undefined
  private detached: Promise<void> | undefined
  private acks: string[] = []
  private releases: string[] = []
  private stopped = false
  private lostHandler: (error: WorkerLeaseLostError) => void
  /** Resolves once the worker's store committed its last batch (a release waits for it: its commits are fenced). */
  private storeClosed: () => Promise<void> = () => Promise.resolve()

  private constructor(
    private readonly options: WorkerOptions & WorkerSettings,
    private readonly pool: pg.Pool,
    private readonly lease: WorkerLease,
    flowsTable: boolean,
  ) {
    const { schema, logger, node } = options
    this.lostHandler = (error) => logger.error(`${error.message} (worker of node ${node})`)
    this.target = { pool, schema, token: lease.token }
    this.claimTarget = { pool, schema, token: lease.token, fence: lease.fence, claimBatch: options.claimBatch, flowsTable }
    this.inbox = new WorkerInbox(
      this.target,
      this.stats,
      () => this.node,
      (problem) => logger.warn(`Worker ${lease.token} of node ${node} ${problem}.`),
      Math.min(1000, options.leaseMs / 2),
    )
  }

  /** Creates the worker tables if missing and registers this worker (its token and lease start now). */
  static async register(options: WorkerOptions): Promise<WorkerOwnership> {
    const settings = {
      ...options,
      ...workerSettings({
        ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
        ...(options.claimBatch !== undefined ? { claimBatch: options.claimBatch } : {}),
      }),
    }
    const pool = new pg.Pool({ connectionString: options.url, max: 3 })
    pool.on('error', () => undefined) // an idle connection the server ended; the next query opens another
    try {
      const flowsTable = await installWorkerSchema(pool, options.schema)
      const lease = await WorkerLease.register({ pool, schema: options.schema, node: options.node, leaseMs: settings.leaseMs })
      return new WorkerOwnership(settings, pool, lease, flowsTable)
    } catch (error) {
      await pool.end().catch(() => undefined)
      throw error
    }
  }

  /**
   * The node's store is open (its tables exist): the ownership trigger is installed if it was not, and
   * `closed` is what an orderly release waits for.
   */
  async storeOpened(closed: () => Promise<void>): Promise<void> {
    this.storeClosed = closed
    if (!this.claimTarget.flowsTable) this.claimTarget = { ...this.claimTarget, flowsTable: await installWorkerSchema(this.pool, this.options.schema) }
  }

  /** Who hears that this worker lost its lease (it has stopped taking work; the node should stop, the process exit). */
  whenLost(handler: (error: WorkerLeaseLostError) => void): void {
    this.lostHandler = handler
  }

  /** This worker's fencing token. */
  get token(): string {
    return this.lease.token
  }

  /** The fence the store runs first in every commit transaction. */
  get fence(): CommitFence {
    return this.lease.fence
  }

  attach(node: OwnedNode): void {
    this.node = node
    const { url, schema, logger } = this.options
    this.listener = new WorkerListener({
      connectionString: url,
      workerChannel: workerChannel(schema, this.token),
      ackChannel: ackChannel(schema),
      endedChannel: endedChannel(schema),
      woken: () => this.inbox.wake(),
      acknowledged: (ids) => {
        for (const id of ids) this.node?.acknowledged(id)
      },
      ended: (flowId) => this.node?.ended(flowId),
      failed: (error) => logger.warn(`Worker ${this.token} of node ${this.options.node} lost its LISTEN connection (${String(error)}); it reconnects.`),
    })
    this.listener.start().then(
      () => this.inbox.wake(),
      (error: unknown) => logger.error(`Worker ${this.token} of node ${this.options.node} could not LISTEN: ${String(error)}.`),
    )
    this.lease.keepAlive(
      (error) => {
        this.detach(false)
        this.lostHandler(error)
      },
      () => {
        this.takeOver()
        this.inbox.wake()
      },
    )
    this.takeOver()
  }

  async route(flowId: string, envelope: Envelope): Promise<MessageRoute> {
    const route = await forwardMessage(this.target, flowId, encode(envelope))
    if (route === 'forwarded') this.stats.forwarded++
    return route
  }

  owns(flowId: string): Promise<boolean> {
    return ownsFlow(this.target, flowId)
  }

  ask(flowId: string, request: Buffer, read = false): Promise<Buffer | 'here'> {
    return this.inbox.ask(flowId, request, read)
  }

  claim(key: string): Promise<boolean> {
    return tryClaim(this.target, key)
  }

  release(key: string): void {
    if (this.stopped) return
    if (this.releases.push(key) === 1)
      setImmediate(() => {
        const keys = this.releases
        this.releases = []
        releaseClaims(this.target, keys).catch(() => undefined) // left: another worker takes it over once this one is gone
      })
  }

  acknowledged(id: string): void {
    if (this.stopped) return
    if (this.acks.push(id) === 1) setImmediate(() => this.broadcastAcks())
  }

  /**
   * Stops adopting and forwarding. `orderly`: once the store committed its last batch, this worker's row is
   * deleted, so the others claim its flows at once; otherwise they do once its lease ran out. Resolves when
   * the worker let go of its connections.
   */
  detach(orderly: boolean): Promise<void> {
    if (this.stopped) return this.detached ?? Promise.resolve()
    this.stopped = true
    this.node = undefined
    this.lease.stop()
    const listening = this.listener?.close()
    const stopped = new WorkerStoppedError(
      `Worker ${this.token} of node ${this.options.node} stopped before the worker running the flow answered; ask a running worker again.`,
    )
    this.detached = (async () => {
      await listening
      await Promise.all([this.taking, this.inbox.stop(stopped)])
      if (orderly) {
        await this.storeClosed().catch(() => undefined)
        await this.lease.release().catch(() => undefined)
      }
      await this.pool.end().catch(() => undefined)
    })()
    return this.detached
  }

  /** Claims the flows of expired workers, one takeover at a time; the engine adopts each batch. */
  private takeOver(): void {
    if (this.taking || this.stopped) return
    this.taking = takeOver(this.claimTarget, async (flowIds) => {
      await this.node?.adopt(flowIds)
      this.stats.adopted += flowIds.length
      this.inbox.wake()
    })
      .then(async ({ expired, claimed }) => {
        if (claimed > 0)
          this.options.logger.info(`Worker ${this.token} of node ${this.options.node} took over ${claimed} flow(s) of workers whose lease ran out.`)
        // A dead worker may have left messages of ended flows unacknowledged: someone must send them again.
        if (expired > 0 || claimed > 0) await this.node?.resendOrphans()
        await forgetClaims(this.pool, this.options.schema)
        await forgetRequests(this.pool, this.options.schema)
      })
      .catch((error: unknown) => {
        if (!this.stopped)
          this.options.logger.warn(`Worker ${this.token} of node ${this.options.node} could not take flows over: ${String(error)}; it tries again.`)
      })
      .finally(() => {
        this.taking = undefined
      })
  }

  private broadcastAcks(): void {
    const ids = this.acks
    this.acks = []
    const pool = this.pool
    const channel = ackChannel(this.options.schema)
    let chunk: string[] = []
    let bytes = 0
    const send = (payload: string) => pool.query('SELECT pg_notify($1, $2)', [channel, payload]).catch(() => undefined) // lost: the owner sends again and hears the next one
    for (const id of ids) {
      if (bytes + id.length + 1 > ACK_PAYLOAD_BYTES && chunk.length > 0) {
        void send(chunk.join('\n'))
        chunk = []
        bytes = 0
      }
      chunk.push(id)
      bytes += Buffer.byteLength(id) + 1
    }
    if (chunk.length > 0) void send(chunk.join('\n'))
  }
}
