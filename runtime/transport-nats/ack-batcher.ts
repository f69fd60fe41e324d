/**
 * Acknowledgements leave in batches: those this node owes one sender within an event-loop turn travel as one
 * signed message of ack items (the item format of the TCP transport) on the sender's subject, so 256 flows in
 * flight cost a few stored messages per turn rather than one per envelope. Each caller learns whether the
 * broker stored its batch; a batch is at most `MAX_IDS` ids or about `MAX_BYTES` bytes.
 */
import { ItemKind, encodeItem } from '../transport/frame-codec.js'

const MAX_IDS = 512
const MAX_BYTES = 256 * 1024

interface Pending {
  readonly items: Buffer[]
  bytes: number
  readonly waiters: ((stored: boolean) => void)[]
}

export class AckBatcher {
  private readonly pending = new Map<string, Pending>()
  private scheduled = false

  constructor(
    /** Publishes a signed message to `to`; true once the broker stored it. */
    private readonly publish: (to: string, data: Buffer) => Promise<boolean>,
    private readonly counted: (ids: number) => void,
  ) {}

  /** Resolves true once the acknowledgement of `id` to `sender` is stored on the broker. */
  acknowledge(sender: string, id: string): Promise<boolean> {
    const item = encodeItem(ItemKind.ack, Buffer.from(id, 'utf8'))
    let batch = this.pending.get(sender)
    if (batch && (batch.items.length >= MAX_IDS || batch.bytes + item.length > MAX_BYTES)) {
      this.send(sender, batch)
      batch = undefined
    }
    if (!batch) {
      batch = { items: [], bytes: 0, waiters: [] }
      this.pending.set(sender, batch)
    }
    batch.items.push(item)
    batch.bytes += item.length
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.flush())
    }
    return new Promise((resolve) => batch.waiters.push(resolve))
  }

  private flush(): void {
    this.scheduled = false
    for (const [sender, batch] of this.pending) this.send(sender, batch)
  }

  private send(sender: string, batch: Pending): void {
    if (this.pending.get(sender) === batch) this.pending.delete(sender)
    this.publish(sender, Buffer.concat(batch.items)).then(
      (stored) => {
        if (stored) this.counted(batch.items.length)
        for (const waiter of batch.waiters) waiter(stored)
      },
      () => {
        for (const waiter of batch.waiters) waiter(false)
      },
    )
  }
}
