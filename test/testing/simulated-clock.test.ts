/** SimulatedClock: time moves only on advance(), timers fire in due order with work settling between them. */
import { describe, expect, it } from 'vitest'
import { SimulatedClock } from '../../runtime/testing/index.js'

describe('SimulatedClock', () => {
  it('starts at a fixed time and moves only when advanced', async () => {
    const clock = new SimulatedClock()
    const start = clock.now()
    expect(new Date(start).toISOString()).toBe('2030-01-01T00:00:00.000Z')
    await new Promise((r) => setTimeout(r, 5))
    expect(clock.now()).toBe(start)
    await clock.advance(1500)
    expect(clock.now()).toBe(start + 1500)
  })

  it('fires timers in due order, at their due time, ties in the order they were set', async () => {
    const clock = new SimulatedClock({ start: 0 })
    const fired: string[] = []
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 300)
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100)
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 100)
    clock.setTimeout(() => fired.push(`late@${clock.now()}`), 301)
    await clock.advance(300)
    expect(fired).toEqual(['a@100', 'b@100', 'c@300'])
    expect(clock.pending).toBe(1)
    expect(clock.nextDue).toBe(301)
  })

  it('lets the work a timer starts settle before the next timer fires', async () => {
    const clock = new SimulatedClock({ start: 0 })
    const log: string[] = []
    clock.setTimeout(() => {
      log.push('first')
      // Work that takes a few turns (as a group commit does), then sets a timer due before the second.
      setImmediate(() => setImmediate(() => clock.setTimeout(() => log.push(`chained@${clock.now()}`), 50)))
    }, 100)
    clock.setTimeout(() => log.push(`second@${clock.now()}`), 200)
    await clock.advance(1000)
    expect(log).toEqual(['first', 'chained@150', 'second@200'])
  })

  it('repeats intervals until cleared, and forgets cleared timers', async () => {
    const clock = new SimulatedClock({ start: 0 })
    const ticks: number[] = []
    const interval = clock.setInterval(() => ticks.push(clock.now()), 10)
    const never = clock.setTimeout(() => ticks.push(-1), 5)
    clock.clearTimeout(never)
    await clock.advance(35)
    clock.clearInterval(interval)
    await clock.advance(100)
    expect(ticks).toEqual([10, 20, 30])
    expect(clock.pending).toBe(0)
  })

  it('fires a timer set with no delay without an advance, as the system clock would', async () => {
    const clock = new SimulatedClock({ start: 0 })
    let fired = false
    clock.setTimeout(() => (fired = true), 0)
    await new Promise((r) => setImmediate(r))
    expect(fired).toBe(true)
    expect(clock.now()).toBe(0)
  })

  it('refuses to go back in time or to advance twice at once', async () => {
    const clock = new SimulatedClock({ start: 1000 })
    await expect(clock.advance(-1)).rejects.toThrow('time only moves forward')
    await expect(clock.advanceTo(10)).rejects.toThrow("is before the clock's time")
    const first = clock.advance(10)
    await expect(clock.advance(10)).rejects.toThrow('another advance() is running')
    await first
  })
})
