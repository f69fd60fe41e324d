/**
 * One direction of an in-process session: frames in FIFO order, then (once closed) the reason the sender
 * stopped. What the test kit connects a handler and its counterparty with, in place of the durable engine.
 */
import type { SessionFrame } from '../protocol/index.js'

interface Waiter {
  resolve(frame: SessionFrame): void
  reject(error: unknown): void
}

export class Mailbox {
  readonly #frames: SessionFrame[] = []
  readonly #waiters: Waiter[] = []
  #closed: { readonly reason: unknown } | undefined

  /** Queues `frame` for the reader; ignored once the mailbox is closed (the peer is gone). */
  put(frame: SessionFrame): void {
    if (this.#closed) return
    const waiter = this.#waiters.shift()
    if (waiter) waiter.resolve(frame)
    else this.#frames.push(frame)
  }

  /** The next frame; after close, frames already queued still come first, then `reason` is thrown. */
  take(): Promise<SessionFrame> {
    const frame = this.#frames.shift()
    if (frame) return Promise.resolve(frame)
    if (this.#closed) return Promise.reject(this.#closed.reason)
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }))
  }

  /** Frames queued and not yet taken. */
  get queued(): readonly SessionFrame[] {
    return this.#frames
  }

  /** True while a reader waits for a frame. */
  get awaited(): boolean {
    return this.#waiters.length > 0
  }

  get closed(): boolean {
    return this.#closed !== undefined
  }

  /** Later takes (once the queue is empty) reject with `reason`; the first close wins. */
  close(reason: unknown): void {
    if (this.#closed) return
    this.#closed = { reason }
    for (const waiter of this.#waiters.splice(0)) waiter.reject(reason)
  }
}
