/**
 * Time as the engine sees it: durable timers, re-delivery and eviction all read and schedule through a
 * Clock, so a test kit can run a cluster on simulated time. The system clock is the default.
 */
export interface ClockTimer {
  /** Lets the process exit while the timer is pending (Node's unref); a no-op on simulated time. */
  unref(): void
}

export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number
  setTimeout(fn: () => void, ms: number): ClockTimer
  clearTimeout(timer: ClockTimer): void
  setInterval(fn: () => void, ms: number): ClockTimer
  clearInterval(timer: ClockTimer): void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (timer) => clearInterval(timer as NodeJS.Timeout),
}
