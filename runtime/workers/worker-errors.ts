/** Errors of worker processes that share one node's PostgreSQL store (docs/scale-out.md). */
import { ColloquyError } from '../protocol/errors/colloquy-error.js'

/**
 * A commit of a worker was refused by its fence: the worker's token is no longer registered with an
 * unexpired lease (another worker took its flows over). Nothing of the transaction was written; the worker
 * stops, and its process should be restarted (it then registers with a new token).
 */
export class WorkerFencedError extends ColloquyError {
  override readonly name = 'WorkerFencedError'
  readonly code = 'WORKER_FENCED'
}

/**
 * A worker could not keep its lease: its row was removed by a takeover, or the database could not be reached
 * for a whole lease. The worker stops taking work; its process should exit and be restarted.
 */
export class WorkerLeaseLostError extends ColloquyError {
  override readonly name = 'WorkerLeaseLostError'
  readonly code = 'WORKER_LEASE_LOST'
}

/**
 * A worker stopped (its node stopped, or it lost its lease) while an operation it had handed to the worker that
 * owns the flow (a signal, a kill, a retry) waited for that worker's answer. The request stays with the owner,
 * which may still carry it out; ask again on a running worker to learn the outcome.
 */
export class WorkerStoppedError extends ColloquyError {
  override readonly name = 'WorkerStoppedError'
  readonly code = 'WORKER_STOPPED'
}
