/**
 * A Clock whose time moves only when a test says so. Give it to nodes (`clock` in NodeOptions, or
 * `clock: 'simulated'` in createTestCluster) and call `advance(ms)`: every timer due by then fires in due
 * order (equal times in the order they were set), time standing at each one's due time while it runs, and
 * promises, group commits and in-memory deliveries get to run between one timer and the next. A week-long
 * durable timer completes in milliseconds of wall time. Timers already due when they are set (a zero delay)
 * fire on the next turn of the event loop without an advance, as they would on the system clock.
 */
import type { Clock, ClockTimer } from '../engine/clock.js'
import { TestKitError } from './test-kit-error.js'

export interface SimulatedClockOptions {
  /** The time the clock starts at, in ms since the epoch; default 2030-01-01T00:00:00Z, the same on every run. */
  readonly start?: number
  /** Awaited after each timer fires, to let the work it started run; default: settleEventLoop(). */
  readonly settle?: () => Promise<void>
}

class SimulatedTimer implements ClockTimer {
  constructor(
    readonly seq: number,
    public due: number,
    readonly interval: number | undefined,
    readonly fn: () => void,
  ) {}
  unref(): void {}
}

const defaultStart = Date.UTC(2030, 0, 1)

/**
 * Lets the event loop run until no setImmediate callback is pending: promise jobs, group commits (flushed
 * from setImmediate), in-memory deliveries and whatever they start in turn. Real timers are not waited for.
 * Gives up after `maxTurns`, for work that keeps rescheduling itself.
 */
export async function settleEventLoop(maxTurns = 10_000): Promise<void> {
  for (let turn = 0; turn < maxTurns; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve))
    if (!process.getActiveResourcesInfo().includes('Immediate')) return
  }
}

/** A Clock whose time moves only on advance() or advanceTo(); see the module comment. */
export class SimulatedClock implements Clock {
  #now: number
  #seq = 0
  readonly #timers = new Set<SimulatedTimer>()
  readonly #settle: () => Promise<void>
  #advancing = false
  #dueScheduled = false

  constructor(options: SimulatedClockOptions = {}) {
    this.#now = options.start ?? defaultStart
    this.#settle = options.settle ?? (() => settleEventLoop())
  }

  /** The simulated time, in ms since the epoch. */
  now(): number {
    return this.#now
  }

  /** Calls `fn` once when simulated time reaches now + ms. */
  setTimeout(fn: () => void, ms: number): ClockTimer {
    return this.#add(fn, ms, undefined)
  }

  /** Forgets a timer set with setTimeout. */
  clearTimeout(timer: ClockTimer): void {
    this.#cancel(timer)
  }

  /** Calls `fn` every `ms` of simulated time. */
  setInterval(fn: () => void, ms: number): ClockTimer {
    return this.#add(fn, ms, Math.max(1, delayOf(ms)))
  }

  /** Forgets a timer set with setInterval. */
  clearInterval(timer: ClockTimer): void {
    this.#cancel(timer)
  }

  /** Timers set and not yet fired or cleared (an interval counts once). */
  get pending(): number {
    return this.#timers.size
  }

  /** When the next timer is due, or undefined when none is set. */
  get nextDue(): number | undefined {
    return this.#next()?.due
  }

  /**
   * Moves time forward by `ms`, firing every timer due by then in due order and letting the work each one
   * starts settle before the next. Resolves once time stands at now + ms and that work has settled.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new TestKitError(`SimulatedClock.advance(${ms}): time only moves forward; pass a number of milliseconds >= 0.`)
    await this.advanceTo(this.#now + ms)
  }

  /** Moves time forward to `time` (ms since the epoch), as advance() does. */
  async advanceTo(time: number): Promise<void> {
    if (this.#advancing) throw new TestKitError('SimulatedClock: advance() was called while another advance() is running; await the first one.')
    if (time < this.#now)
      throw new TestKitError(
        `SimulatedClock.advanceTo: ${new Date(time).toISOString()} is before the clock's time ${new Date(this.#now).toISOString()}; time only moves forward.`,
      )
    this.#advancing = true
    try {
      await this.#settle()
      for (let timer = this.#next(); timer && timer.due <= time; timer = this.#next()) {
        this.#now = Math.max(this.#now, timer.due)
        this.#fire(timer)
        await this.#settle()
      }
      this.#now = time
      await this.#settle()
    } finally {
      this.#advancing = false
    }
  }

  #add(fn: () => void, ms: number, interval: number | undefined): SimulatedTimer {
    const timer = new SimulatedTimer(++this.#seq, this.#now + delayOf(ms), interval, fn)
    this.#timers.add(timer)
    if (timer.due <= this.#now) this.#scheduleDue()
    return timer
  }

  #cancel(timer: ClockTimer): void {
    if (timer instanceof SimulatedTimer) this.#timers.delete(timer)
  }

  #fire(timer: SimulatedTimer): void {
    if (timer.interval === undefined) this.#timers.delete(timer)
    else timer.due += timer.interval
    timer.fn()
  }

  /** Timers that are due without time moving fire on the next turn, unless an advance is firing them. */
  #scheduleDue(): void {
    if (this.#dueScheduled) return
    this.#dueScheduled = true
    setImmediate(() => {
      this.#dueScheduled = false
      if (this.#advancing) return
      // Only timers set so far: one that a callback sets with zero delay waits for the next turn.
      const limit = this.#seq
      for (let timer = this.#next(); timer && timer.due <= this.#now && timer.seq <= limit; timer = this.#next()) this.#fire(timer)
    })
  }

  #next(): SimulatedTimer | undefined {
    let best: SimulatedTimer | undefined
    for (const timer of this.#timers) if (!best || timer.due < best.due || (timer.due === best.due && timer.seq < best.seq)) best = timer
    return best
  }
}

function delayOf(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 0
}
