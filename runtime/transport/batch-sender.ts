/**
 * The sending half of an authenticated connection. Everything queued in one turn of the event loop
 * leaves in as few signed batch frames as fit the smaller of both sides' frame limits, each frame signed
 * over (both nonces, this side's role, a counter that rises with every frame, the payload).
 *
 * Acknowledgements wait up to ACK_DELAY_MS for company: they leave with the next envelopes sent on the
 * connection or with later acknowledgements, so an acknowledgement rarely costs a signature of its own
 * and never delays the reply the peer is waiting for. The sender only needs them before it re-sends.
 */
import type { KeyObject } from 'node:crypto'
import type { Socket } from 'node:net'
import { ItemKind, encodeBatch, encodeItem } from './frame-codec.js'
import type { SessionKeys } from './connection-handshake.js'

/** How long an acknowledgement may wait to share a signed frame with other items. */
const ACK_DELAY_MS = 3

/** Where the sender counts what it wrote. */
export interface SentCounts {
  counted(event: 'framesSent' | 'bytesSent', n: number): void
}

export class BatchSender {
  private queue: Buffer[] = []
  private flushScheduled = false
  private ackTimer: NodeJS.Timeout | undefined
  private counter = 0
  private stopped = false

  constructor(
    private readonly socket: Socket,
    private readonly key: KeyObject,
    private readonly keys: SessionKeys,
    /** Largest batch payload both sides accept. */
    private readonly payloadLimit: number,
    private readonly counts: SentCounts,
  ) {}

  /** Queues an item (an encoded envelope) for the batch of this turn. */
  enqueue(item: Buffer): void {
    this.queue.push(item)
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(() => this.flush())
  }

  /** Queues the acknowledgement of an envelope id; it waits for company (see above). */
  ack(id: string): void {
    this.queue.push(encodeItem(ItemKind.ack, Buffer.from(id, 'utf8')))
    if (this.flushScheduled || this.ackTimer) return
    this.ackTimer = setTimeout(() => this.flush(), ACK_DELAY_MS)
  }

  /** The connection closed: nothing queued leaves any more. */
  stop(): void {
    this.stopped = true
    clearTimeout(this.ackTimer)
    this.queue = []
  }

  /** Everything queued in this turn of the event loop leaves in as few signed frames as fit. */
  private flush(): void {
    this.flushScheduled = false
    if (this.ackTimer) {
      clearTimeout(this.ackTimer)
      this.ackTimer = undefined
    }
    if (this.stopped || this.queue.length === 0) return
    const items = this.queue
    this.queue = []
    const limit = this.payloadLimit
    this.socket.cork()
    let start = 0
    let size = 0
    for (let i = 0; i < items.length; i++) {
      const length = items[i]!.length
      if (size + length > limit && i > start) {
        this.writeBatch(items.slice(start, i), size)
        start = i
        size = 0
      }
      size += length
    }
    this.writeBatch(items.slice(start), size)
    this.socket.uncork()
  }

  private writeBatch(items: Buffer[], size: number): void {
    const payload = items.length === 1 ? items[0]! : Buffer.concat(items, size)
    const bytes = encodeBatch(this.key, this.keys.sendPrefix, this.keys.tag, ++this.counter, payload)
    this.socket.write(bytes)
    this.counts.counted('bytesSent', bytes.length)
    this.counts.counted('framesSent', 1)
  }
}
