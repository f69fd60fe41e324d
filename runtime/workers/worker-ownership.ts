/**
 * The ownership port (runtime/engine/flow-ownership.ts) for one worker process of a node on PostgreSQL
 * (docs/scale-out.md): it registers the worker (worker-lease.ts), gives the store its commit fence, routes
 * messages for flows not in memory (flow-forwarding.ts), hands the engine the messages forwarded to it and
 * the acknowledgements other workers received (worker-listener.ts), broadcasts the acknowledgements it
 * received for messages it was not sending, and takes over the flows of workers whose lease ran out
 * (flow-takeover.ts): at attach and at every renewal, a third of the lease. When its own lease is lost it
 * stops and calls `lost`: the process must exit (its commits are refused from then on anyway).
 */
import type pg from 'pg'
import type { FlowOwnership, MessageRoute, OwnedNode } from '../engine/flow-ownership.js'
import type { Envelope } from '../network/wire.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { decode, encode } from '../store/codec.js'
import { type ClaimTarget, takeOver } from './flow-takeover.js'
import { type ForwardTarget, forwardMessage, forwardedTo, ownsFlow, takeForwarded } from './flow-forwarding.js'
import { ackChannel, workerChannel } from './sql-names.js'
import type { WorkerLeaseLostError } from './worker-errors.js'
import type { CommitFence } from './worker-fence.js'
import { WorkerLease } from './worker-lease.js'
import { WorkerListener } from './worker-listener.js'
import { installWorkerSchema } from './worker-schema.js'
import { type WorkerSettings, workerSettings } from './worker-settings.js'

export interface WorkerOptions extends Partial<WorkerSettings> {
  readonly pool: pg.Pool
  /** For the LISTEN connection (the pool's connections are shared and cannot keep listening). */
  readonly connectionString: string
  readonly schema: string
  readonly node: string
  readonly logger: FlowLogger
  /** This worker lost its lease: it stopped taking work; the process should exit. */
  readonly lost: (error: WorkerLeaseLostError) => void
}

/** Largest payload of one acknowledgement notification (PostgreSQL allows 8000 bytes). */
const ACK_PAYLOAD_BYTES = 7000

export class WorkerOwnership implements FlowOwnership {
  readonly wholeNode = false
  private node: OwnedNode | undefined
  private listener: WorkerListener | undefined
  private readonly target: ForwardTarget
  private readonly claim: ClaimTarget
  private taking: Promise<void> | undefined
  private draining: Promise<void> | undefined
  private drainAgain = false
  private acks: string[] = []
  private stopped = false

  private constructor(
    private readonly options: WorkerOptions & WorkerSettings,
    private readonly lease: WorkerLease,
    flowsTable: boolean,
  ) {
    const { pool, schema } = options
    this.target = { pool, schema, token: lease.token }
    this.claim = { pool, schema, token: lease.token, fence: lease.fence, claimBatch: options.claimBatch, flowsTable }
  }

  /** Creates the worker tables if missing and registers this worker (its token and lease start now). */
  static async register(options: WorkerOptions): Promise<WorkerOwnership> {
    const settings = { ...options, ...workerSettings({ leaseMs: options.leaseMs, claimBatch: options.claimBatch }) }
    const flowsTable = await installWorkerSchema(options.pool, options.schema)
    const lease = await WorkerLease.register({ pool: options.pool, schema: options.schema, node: options.node, leaseMs: settings.leaseMs })
    return new WorkerOwnership(settings, lease, flowsTable)
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
    const { connectionString, schema, logger } = this.options
    this.listener = new WorkerListener({
      connectionString,
      workerChannel: workerChannel(schema, this.token),
      ackChannel: ackChannel(schema),
      woken: () => this.drain(),
      acknowledged: (ids) => {
        for (const id of ids) this.node?.acknowledged(id)
      },
      failed: (error) => logger.warn(`Worker ${this.token} of node ${this.options.node} lost its LISTEN connection (${String(error)}); it reconnects.`),
    })
    this.listener.start().then(
      () => this.drain(),
      (error: unknown) => logger.error(`Worker ${this.token} of node ${this.options.node} could not LISTEN: ${String(error)}.`),
    )
    this.lease.keepAlive(
      (error) => {
        this.detach()
        this.options.lost(error)
      },
      () => {
        this.takeOver()
        this.drain()
      },
    )
    this.takeOver()
  }

  route(flowId: string, envelope: Envelope): Promise<MessageRoute> {
    return forwardMessage(this.target, flowId, encode(envelope))
  }

  owns(flowId: string): Promise<boolean> {
    return ownsFlow(this.target, flowId)
  }

  acknowledged(id: string): void {
    if (this.stopped) return
    if (this.acks.push(id) === 1) setImmediate(() => this.broadcastAcks())
  }

  detach(): void {
    this.stopped = true
    this.node = undefined
    this.lease.stop()
    void this.listener?.close()
  }

  /** After the node stopped in order: deletes this worker's row, so the others claim its flows at once. */
  release(): Promise<void> {
    this.detach()
    return this.lease.release()
  }

  /** Claims the flows of expired workers, one takeover at a time; the engine adopts each batch. */
  private takeOver(): void {
    if (this.taking || this.stopped) return
    this.taking = takeOver(this.claim, async (flowIds) => {
      await this.node?.adopt(flowIds)
      this.drain()
    })
      .then((claimed) => {
        if (claimed > 0)
          this.options.logger.info(`Worker ${this.token} of node ${this.options.node} took over ${claimed} flow(s) of workers whose lease ran out.`)
      })
      .catch((error: unknown) => {
        if (!this.stopped)
          this.options.logger.warn(`Worker ${this.token} of node ${this.options.node} could not take flows over: ${String(error)}; it tries again.`)
      })
      .finally(() => {
        this.taking = undefined
      })
  }

  /** Hands the messages forwarded to this worker to the engine, deleting each once recorded. */
  private drain(): void {
    if (this.stopped) return
    if (this.draining) {
      this.drainAgain = true
      return
    }
    this.draining = this.drainRows()
      .catch((error: unknown) => {
        if (!this.stopped) this.options.logger.warn(`Worker ${this.token} of node ${this.options.node} could not take forwarded messages: ${String(error)}.`)
      })
      .finally(() => {
        this.draining = undefined
        if (this.drainAgain) {
          this.drainAgain = false
          this.drain()
        }
      })
  }

  private async drainRows(): Promise<void> {
    for (;;) {
      const rows = await forwardedTo(this.target, 500)
      const node = this.node
      if (rows.length === 0 || !node) return
      const results = await Promise.allSettled(rows.map((row) => node.deliver(decode<Envelope>(row.body))))
      const taken = rows.filter((_, i) => results[i]!.status === 'fulfilled').map((row) => row.id)
      await takeForwarded(this.target, taken)
      // A message the engine refused (a parked flow) stays and is tried at the next renewal.
      if (taken.length < rows.length) return
    }
  }

  private broadcastAcks(): void {
    const ids = this.acks
    this.acks = []
    const { pool } = this.options
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
