/**
 * A worker's LISTEN connection (docs/scale-out.md, section 4): one client of its own (LISTEN needs a
 * session that stays), on the worker's channel (messages forwarded to it, requests asked of it, answers to
 * its own), the node's acknowledgement channel and the node's ended channel. A notification on the worker's
 * channel calls `woken`; one on the acknowledgement channel calls `acknowledged` with the ids it carries; one
 * on the ended channel calls `ended` with the flow id. A lost connection is opened again with back-off (50 ms
 * doubling to 5 s) and `woken` and `ended()` are called once it listens again, since notifications sent
 * meanwhile are lost (the rows they announced are not).
 */
import pg from 'pg'

export interface ListenerTarget {
  readonly connectionString: string
  /** The worker's channel and the node's acknowledgement channel (sql-names.ts). */
  readonly workerChannel: string
  readonly ackChannel: string
  readonly endedChannel: string
  readonly woken: () => void
  /** A flow stopped running (undefined: some may have while the connection was lost). */
  readonly ended: (flowId?: string) => void
  readonly acknowledged: (ids: readonly string[]) => void
  readonly failed: (error: unknown) => void
}

export class WorkerListener {
  private client: pg.Client | undefined
  private closed = false
  private backoffMs = 50
  private retry: NodeJS.Timeout | undefined

  constructor(private readonly target: ListenerTarget) {}

  /** Connects and listens; resolves once both channels are listened to (rejects if the first attempt fails). */
  async start(): Promise<void> {
    await this.connect()
  }

  private async connect(): Promise<void> {
    const { connectionString, workerChannel, ackChannel, endedChannel } = this.target
    const client = new pg.Client({ connectionString })
    client.on('notification', (message) => {
      if (message.channel === workerChannel) this.target.woken()
      else if (message.channel === ackChannel && message.payload) this.target.acknowledged(message.payload.split('\n'))
      else if (message.channel === endedChannel && message.payload) this.target.ended(message.payload)
    })
    client.on('error', (error) => this.lost(client, error))
    client.on('end', () => this.lost(client, undefined))
    await client.connect()
    await client.query(`LISTEN "${workerChannel}"; LISTEN "${ackChannel}"; LISTEN "${endedChannel}"`)
    if (this.closed) {
      await client.end().catch(() => undefined)
      return
    }
    this.client = client
    this.backoffMs = 50
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client || this.closed) return
    this.client = undefined
    if (error) this.target.failed(error)
    this.retry = setTimeout(() => this.reconnect(), this.backoffMs)
    this.retry.unref()
  }

  private reconnect(): void {
    this.connect()
      .then(() => {
        this.target.woken()
        this.target.ended()
      })
      .catch((error: unknown) => {
        this.target.failed(error)
        this.backoffMs = Math.min(this.backoffMs * 2, 5_000)
        this.retry = setTimeout(() => this.reconnect(), this.backoffMs)
        this.retry.unref()
      })
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.retry) clearTimeout(this.retry)
    const client = this.client
    this.client = undefined
    await client?.end().catch(() => undefined)
  }
}
