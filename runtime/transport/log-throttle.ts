/**
 * Keeps a flood of alike events from flooding the log: per key (a reason and a peer), the first `burst`
 * events of an interval are logged as they come; the rest are only counted, and one summary per key is
 * handed to `summarize` when the interval ends (or at `close`). A key with nothing counted is forgotten
 * when its interval ends, so what is kept is bounded by the keys seen in one interval.
 */
export interface LogThrottleOptions {
  /** How long a key's interval lasts. Default 30 s. */
  readonly intervalMs?: number
  /** Events of a key logged one by one in an interval before they are only counted. Default 10. */
  readonly burst?: number
}

/** What a summary reports: how many events were not logged since when, and the last of them. */
export interface Suppressed<C> {
  readonly count: number
  readonly since: Date
  readonly last: C
}

interface Window<C> {
  logged: number
  count: number
  since: number
  last: C | undefined
  timer: NodeJS.Timeout
}

export class LogThrottle<C> {
  private readonly windows = new Map<string, Window<C>>()
  private readonly intervalMs: number
  private readonly burst: number

  constructor(
    options: LogThrottleOptions,
    private readonly summarize: (suppressed: Suppressed<C>) => void,
  ) {
    this.intervalMs = options.intervalMs ?? 30_000
    this.burst = options.burst ?? 10
  }

  /** True when this event is to be logged now; false when it was counted for the key's summary. */
  admit(key: string, context: C): boolean {
    const window = this.windows.get(key)
    if (!window) {
      this.windows.set(key, { logged: 1, count: 0, since: 0, last: undefined, timer: this.arm(key) })
      return true
    }
    if (window.logged < this.burst) {
      window.logged++
      return true
    }
    if (window.count++ === 0) window.since = Date.now()
    window.last = context
    return false
  }

  /** Reports what is counted and forgets every key. */
  close(): void {
    for (const [key, window] of this.windows) {
      clearTimeout(window.timer)
      this.windows.delete(key)
      this.report(window)
    }
  }

  private arm(key: string): NodeJS.Timeout {
    const timer = setTimeout(() => this.intervalEnded(key), this.intervalMs)
    timer.unref()
    return timer
  }

  /** A key that was counted starts a new interval with its burst spent: a flood that goes on gets one line per interval. */
  private intervalEnded(key: string): void {
    const window = this.windows.get(key)
    if (!window) return
    if (window.count === 0) {
      this.windows.delete(key)
      return
    }
    this.report(window)
    window.count = 0
    window.last = undefined
    window.timer = this.arm(key)
  }

  private report(window: Window<C>): void {
    if (window.count > 0) this.summarize({ count: window.count, since: new Date(window.since), last: window.last as C })
  }
}
