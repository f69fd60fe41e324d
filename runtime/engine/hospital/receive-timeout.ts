/**
 * Receives with a timeout: `receiveWithin(ctx, ms)` gives a flow context whose sessions fail a receive (or
 * the wait for the peer's confirm) with ReceiveTimeoutError when nothing arrives for `ms` while the flow is
 * in memory. The hospital retries that from the last checkpoint, without limit by default (Corda's notary
 * case: never give up, ask again). The timeout is not journaled: a retry waits the full time again.
 */
import type { FlowContext } from '../../protocol/session/channel.js'
import type { FlowRun } from '../flow-run.js'
import type { WaitingFor } from '../waiting-for.js'
import { ReceiveTimeoutError } from './hospital-errors.js'

type Executor<T> = (resolve: (value: T) => void, reject: (error: unknown) => void) => void

/** A flow context whose sessions opened through it receive with a timeout of `ms` (see the module comment). */
export function receiveWithin<C extends FlowContext>(context: C, ms: number): C {
  return new Proxy(context, {
    get(target, property) {
      if (property === 'openSession') return (request: Parameters<FlowContext['openSession']>[0]) => target.openSession({ ...request, receiveTimeoutMs: ms })
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** What a session's wait needs to know of it. */
interface TimedSession {
  readonly run: FlowRun
  readonly protocol: string
  readonly counterparty: string
  readonly request: { readonly receiveTimeoutMs?: number } | undefined
}

/** A session's wait for the peer (a frame, the confirm), timed out after its `receiveTimeoutMs` if it has one. */
export function sessionWait<T>(session: TimedSession, executor: Executor<T>, what: WaitingFor): Promise<T> {
  const ms = session.request?.receiveTimeoutMs
  if (ms === undefined) return session.run.wait(executor, what)
  return session.run.wait(
    receiveTimeout(session.run, ms, () => `the ${session.protocol} session with ${session.counterparty}`, executor),
    what,
  )
}

/** The wait's executor, rejecting with ReceiveTimeoutError after `ms` on the node's clock (unchanged without `ms`). */
function receiveTimeout<T>(run: FlowRun, ms: number, what: () => string, executor: Executor<T>): Executor<T> {
  const clock = run.env.clock
  return (resolve, reject) => {
    const timer = clock.setTimeout(
      () =>
        reject(
          new ReceiveTimeoutError(
            `Flow '${run.name}' (${run.flowId}) on ${run.env.node} heard nothing on ${what()} for ${ms} ms; it is retried from its last checkpoint.`,
          ),
        ),
      ms,
    )
    timer.unref()
    executor(
      (value) => {
        clock.clearTimeout(timer)
        resolve(value)
      },
      (error) => {
        clock.clearTimeout(timer)
        reject(error)
      },
    )
  }
}
