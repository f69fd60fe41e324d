/**
 * Drain mode (Corda's flow draining): `node.drained` resolves once no flow this build can run is in
 * flight, listing the flows left parked. It rejects at once for a node not in drain mode, and when the
 * node stops before it drained.
 */
import type { FlowStore } from '../store/flow-store.js'
import { FlowStartError } from './engine-errors.js'
import type { DrainReport } from './node-api.js'
import type { Parking } from './parking.js'

export class Drain {
  readonly drained: Promise<DrainReport>
  private settle!: { resolve(report: DrainReport): void; reject(error: unknown): void }
  private stopped = false

  constructor(
    private readonly node: string,
    readonly enabled: boolean,
    private readonly store: Pick<FlowStore, 'runningFlowCount'>,
    private readonly parking: Parking,
  ) {
    this.drained = new Promise<DrainReport>((resolve, reject) => (this.settle = { resolve, reject }))
    this.drained.catch(() => {}) // only drain-mode callers look
    if (!enabled)
      this.settle.reject(
        new FlowStartError(
          `Node ${node} does not run in drain mode, so it never drains; open it with drain: true to finish its flows in flight without taking new work.`,
        ),
      )
  }

  /** A flow ended (or recovery finished): resolves `drained` when nothing runnable is left (a store read, off the hot path). */
  check(): void {
    // Not draining (the usual case): nothing to read, and no promise made for every flow that ends.
    if (this.enabled && !this.stopped) void this.checkStore()
  }

  private async checkStore(): Promise<void> {
    let running: number
    try {
      running = await this.store.runningFlowCount()
    } catch (error) {
      if (!this.stopped) this.settle.reject(error)
      return
    }
    if (this.stopped || running > this.parking.size) return
    this.settle.resolve({ parked: this.parking.list() })
  }

  halt(): void {
    this.stopped = true
    this.settle.reject(new FlowStartError(`Node ${this.node} stopped before it drained; open it again with drain: true to let its flows finish.`))
  }
}
