/**
 * Durable timers in memory: a binary min-heap of (due, flow, key) with one timer armed for the earliest,
 * so a hundred thousand sleeping flows cost one OS timer and no polling. Time comes from the node's Clock.
 */
import { type Clock, type ClockTimer, systemClock } from './clock.js'

export interface TimerItem {
  readonly due: number
  readonly flowId: string
  readonly key: string
}

export class TimerQueue {
  private heap: TimerItem[] = []
  private handle: ClockTimer | undefined
  private armedFor = Number.POSITIVE_INFINITY
  private stopped = false

  constructor(
    private readonly fire: (item: TimerItem) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  get size(): number {
    return this.heap.length
  }

  /** The flows that have a timer pending (a scan: for occasional checks, not per message). */
  flowIds(): Set<string> {
    return new Set(this.heap.map((item) => item.flowId))
  }

  add(item: TimerItem): void {
    if (this.stopped) return
    const heap = this.heap
    heap.push(item)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heap[parent]!.due <= item.due) break
      heap[i] = heap[parent]!
      i = parent
    }
    heap[i] = item
    if (item.due < this.armedFor) this.arm()
  }

  stop(): void {
    this.stopped = true
    if (this.handle) this.clock.clearTimeout(this.handle)
    this.heap = []
  }

  private arm(): void {
    if (this.handle) this.clock.clearTimeout(this.handle)
    const head = this.heap[0]
    if (!head) {
      this.armedFor = Number.POSITIVE_INFINITY
      this.handle = undefined
      return
    }
    this.armedFor = head.due
    // setTimeout caps at ~24.8 days; re-arming on wake handles longer sleeps.
    const delay = Math.min(Math.max(0, head.due - this.clock.now()), 2 ** 31 - 1)
    this.handle = this.clock.setTimeout(() => this.wake(), delay)
  }

  private wake(): void {
    this.handle = undefined
    this.armedFor = Number.POSITIVE_INFINITY
    const now = this.clock.now()
    const due: TimerItem[] = []
    while (this.heap.length > 0 && this.heap[0]!.due <= now) due.push(this.pop())
    this.arm()
    for (const item of due) this.fire(item)
  }

  private pop(): TimerItem {
    const heap = this.heap
    const top = heap[0]!
    const last = heap.pop()!
    if (heap.length === 0) return top
    heap[0] = last
    for (let i = 0; ; ) {
      const l = 2 * i + 1
      const r = l + 1
      let smallest = i
      if (l < heap.length && heap[l]!.due < heap[smallest]!.due) smallest = l
      if (r < heap.length && heap[r]!.due < heap[smallest]!.due) smallest = r
      if (smallest === i) break
      ;[heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!]
      i = smallest
    }
    return top
  }
}
