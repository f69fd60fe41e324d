/**
 * What other workers hand one worker, and what it waits for from them (docs/scale-out.md, section 4), in
 * one loop that runs whenever the worker is woken on its channel (and at every renewal, in case a
 * notification was lost):
 *
 * - answers to the requests it asked of other workers (worker-requests.ts): each waiting `ask` resolves with
 *   the owner's encoded answer, or with 'here' when no worker took the request and its flow has no owner any
 *   more (it finished: the engine then answers it here); a read (a status) not answered within `readWaitMs`
 *   (an owner that died within its lease, or is busy) is withdrawn and answered here from the store;
 * - requests other workers asked of the flows it owns: run by its engine (`OwnedNode.answer`), answered;
 * - messages forwarded to it (flow-forwarding.ts): handed to its engine, each row deleted once recorded (a
 *   message the engine refused, for a parked flow, stays and is tried again at the next renewal).
 */
import type { OwnedNode } from '../engine/flow-ownership.js'
import type { Envelope } from '../network/wire.js'
import { decode } from '../store/codec.js'
import { type ForwardTarget, forwardedTo, takeForwarded } from './flow-forwarding.js'
import type { WorkerStoppedError } from './worker-errors.js'
import { answerRequests, askOwner, collectAnswers, takeBack, takeRequests, withdraw } from './worker-requests.js'

/** What a worker handed on and took, for tests and diagnostics. */
export interface WorkerStats {
  /** Messages this worker received for another worker's flows and forwarded. */
  forwarded: number
  /** Messages other workers forwarded to this one, recorded by its engine. */
  received: number
  /** Flows this worker claimed from workers whose lease ran out (or that stopped), and adopted. */
  adopted: number
  /** Requests (signal, kill, retry) this worker asked of other workers, and answered for them. */
  asked: number
  answered: number
}

interface Waiting {
  resolve(answer: Buffer | 'here'): void
  reject(error: unknown): void
}

export class WorkerInbox {
  private draining: Promise<void> | undefined
  private drainAgain = false
  private stopped = false
  /** This worker's requests waiting for an answer, by request id. */
  private readonly asks = new Map<string, Waiting>()

  constructor(
    private readonly target: ForwardTarget,
    private readonly stats: WorkerStats,
    private readonly node: () => OwnedNode | undefined,
    private readonly warn: (message: string) => void,
    /** How long a read waits for the owner's answer before the store answers it here. */
    private readonly readWaitMs: number,
  ) {}

  /**
   * Hands a request to the flow's owner and resolves with its answer; 'here' when this worker owns the flow or
   * none does, or for a `read`, when the owner's lease ran out.
   */
  async ask(flowId: string, body: Buffer, read: boolean): Promise<Buffer | 'here'> {
    if (this.stopped) return 'here' // the engine stopped too: it refuses the operation itself
    const id = await askOwner(this.target, flowId, body, read)
    if (id === 'here') return 'here'
    this.stats.asked++
    const answer = new Promise<Buffer | 'here'>((resolve, reject) => this.asks.set(id, { resolve, reject }))
    this.wake() // answered before it was registered: the notification came first
    if (read) {
      const timer = setTimeout(() => {
        if (!this.asks.has(id)) return
        this.settle(id, 'here')
        withdraw(this.target, id).catch(() => undefined) // left: deleted at a takeover once answered
      }, this.readWaitMs)
      timer.unref()
      void answer.finally(() => clearTimeout(timer))
    }
    return answer
  }

  /** Runs the loop now, or once more after the run in progress. */
  wake(): void {
    if (this.stopped) return
    if (this.draining) {
      this.drainAgain = true
      return
    }
    this.draining = this.drain()
      .catch((error: unknown) => {
        if (!this.stopped) this.warn(`could not take forwarded messages or requests: ${String(error)}`)
      })
      .finally(() => {
        this.draining = undefined
        if (this.drainAgain) {
          this.drainAgain = false
          this.wake()
        }
      })
  }

  /** No more work; requests still waiting are rejected with `error`. Resolves once the loop in progress ended. */
  stop(error: WorkerStoppedError): Promise<void> {
    this.stopped = true
    for (const waiting of this.asks.values()) waiting.reject(error)
    this.asks.clear()
    return this.draining ?? Promise.resolve()
  }

  private async drain(): Promise<void> {
    await this.collect()
    await this.answer()
    await this.deliver()
  }

  private async collect(): Promise<void> {
    if (this.asks.size === 0) return
    const ids = [...this.asks.keys()]
    for (const [id, answer] of await collectAnswers(this.target, ids)) this.settle(id, answer)
    const open = ids.filter((id) => this.asks.has(id))
    if (open.length > 0) for (const id of await takeBack(this.target, open)) this.settle(id, 'here')
  }

  private settle(id: string, answer: Buffer | 'here'): void {
    const waiting = this.asks.get(id)
    this.asks.delete(id)
    waiting?.resolve(answer)
  }

  private async answer(): Promise<void> {
    for (;;) {
      const node = this.node()
      if (!node || this.stopped) return
      const rows = await takeRequests(this.target, 100)
      if (rows.length === 0) return
      const answers = await Promise.all(rows.map(async (row) => ({ id: row.id, answer: await node.answer(row.flow_id, row.body) })))
      await answerRequests(this.target, answers)
      this.stats.answered += answers.length
    }
  }

  private async deliver(): Promise<void> {
    for (;;) {
      const rows = await forwardedTo(this.target, 500)
      const node = this.node()
      if (rows.length === 0 || !node || this.stopped) return
      const results = await Promise.allSettled(rows.map((row) => node.deliver(decode<Envelope>(row.body))))
      const taken = rows.filter((_, i) => results[i]!.status === 'fulfilled').map((row) => row.id)
      await takeForwarded(this.target, taken)
      this.stats.received += taken.length
      // A message the engine refused (a parked flow) stays and is tried again at the next renewal.
      if (taken.length < rows.length) return
    }
  }
}
