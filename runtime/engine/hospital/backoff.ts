/**
 * Exponential back-off with jitter: the n-th retry (from 0) waits between half and all of
 * `min(maxMs, baseMs * 2^n)`, so flows failing together do not come back together.
 */
export interface Backoff {
  /** First delay. Default 100 ms. */
  readonly baseMs?: number
  /** Longest delay. Default 60 s. */
  readonly maxMs?: number
  /** The random source in [0, 1) (tests pass a fixed one). Default Math.random. */
  readonly random?: () => number
}

export function backoffDelay(retries: number, backoff: Backoff = {}): number {
  const base = backoff.baseMs ?? 100
  const max = backoff.maxMs ?? 60_000
  const ceiling = Math.min(max, base * 2 ** Math.min(retries, 52))
  return Math.round(ceiling * (0.5 + 0.5 * (backoff.random ?? Math.random)()))
}
