/**
 * The narrow contract between typed protocol states and whatever carries a session (the durable engine,
 * or the in-process pair used to unit-test protocol implementations), and the flow context that opens
 * sessions. The two refer to each other (a context opens channels, a channel carries the context its
 * handlers run with), so they are declared together; flow-context.ts names the flow's side.
 */
import type { z } from 'zod'
import type { FlowProgress } from './flow-progress.js'
import type { SessionFrame, VersionOffer } from './session-frame.js'

export type { SessionFrame, VersionOffer } from './session-frame.js'

export interface SessionChannel {
  readonly protocol: string
  /** The negotiated version. */
  readonly version: number
  /** This side's role name. */
  readonly role: string
  /** The counterparty's party name. */
  readonly counterparty: string
  /** Sends the next frame; resolves once it is durably queued for delivery. */
  send(frame: SessionFrame): Promise<void>
  /**
   * The next frame from the peer, in order. Rejects with a FlowException when the peer raised a declared
   * error, or with UnexpectedFlowEndError when the peer ended or failed otherwise.
   */
  receive(expecting?: ReceiveExpectation): Promise<SessionFrame>
  /**
   * Optional: the flow context handlers of this session run with. The durable engine gives each session
   * its own journal scope so steps in concurrent handlers replay in a deterministic order.
   */
  readonly context?: FlowContext
  /** Optional: called once the role reached the protocol's end; the engine then tells the peer the session ended. */
  close?(): Promise<void>
}

/** What a receive waits for, as the protocol state knows it: for operators asking why a flow waits. */
export interface ReceiveExpectation {
  /** The protocol step, e.g. `step 3`. */
  readonly step: string
  /** The wire label of the message or choice expected. */
  readonly label: string
}

/** How `ctx.waitFor` ended: the payload a signal delivered (parsed by the schema), or the timeout. */
export type WaitForResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly timedOut: true }

export interface WaitForOptions {
  /** Give up after this long (the node's clock, durable like a timer): the result is then `{ ok: false, timedOut: true }`. */
  readonly timeoutMs?: number
}

export interface SessionRequest {
  readonly protocol: string
  readonly counterparty: string
  /** Every version this side can run, with its definition hash. */
  readonly versions: readonly VersionOffer[]
  /**
   * A receive on the session that hears nothing from the peer for this long (while the flow is in memory)
   * fails with ReceiveTimeoutError, a transient fault the node's hospital retries. `receiveWithin(ctx, ms)` sets it.
   */
  readonly receiveTimeoutMs?: number
}

/** How a step may fail (`ctx.step(name, fn, options)`); the node's hospital acts on it. */
export interface StepOptions {
  /** The step fails with StepTimeoutError (transient: retried from the last checkpoint) when `fn` has not settled by then. */
  readonly timeoutMs?: number
  /**
   * `true`: an error of the step is transient (retried with back-off, without limit by default); a number n:
   * retried up to n times at this point, then it propagates. A retried failure is not journaled.
   */
  readonly retry?: boolean | number
  /** An error of the step keeps the flow for observation instead of failing it. */
  readonly observeOnError?: boolean
}

/** Opens sessions: performs the handshake and negotiates the highest common version. */
export interface SessionOpener {
  openSession(request: SessionRequest): Promise<SessionChannel>
}

export interface FlowLogger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/** What a flow can do besides talking on its sessions. The durable engine journals each of these. */
export interface FlowContext extends SessionOpener {
  /** This node's party name. */
  readonly me: string
  readonly flowId: string
  /**
   * Runs a side effect once; on replay the recorded result is returned without running `fn` again. `options`
   * say how it may fail: a timeout, whether its errors are retried, or kept for observation (StepOptions).
   */
  step<T>(name: string, fn: () => T | Promise<T>, options?: StepOptions): Promise<T>
  /**
   * Runs `fn`; an error escaping it keeps the flow for observation in the node's hospital instead of failing
   * it (what must never be lost, e.g. a transaction being finalised), until an operator retries or kills it.
   */
  observeOnError<T>(fn: () => Promise<T>): Promise<T>
  /**
   * The current time in epoch milliseconds (the node's clock; simulated in test clusters), journaled like
   * a step: a replay returns the time recorded when the flow first asked. Use it instead of Date.now().
   */
  now(): Promise<number>
  /** A random number in [0, 1), journaled like a step (a replay returns the same number). Use it instead of Math.random(). */
  random(): Promise<number>
  /** A random UUID (v4), journaled like a step (a replay returns the same id): for ids and idempotency keys. */
  uuid(): Promise<string>
  /** A durable timer: survives restarts, counting from when it was first started. */
  sleep(ms: number): Promise<void>
  readonly log: FlowLogger
  /**
   * True once an operator killed the flow (node.killFlow). A kill rejects the engine call the flow waits
   * in, or its next one, with FlowKilledError; code that computes for long without engine calls polls this
   * to stop early.
   */
  readonly isKilled: boolean
  /**
   * Runs another flow inside this one, with its own journal scope: its sessions, steps and timers are
   * journaled under this flow's id. Errors it throws (including a counterparty's FlowException) are
   * catchable here.
   */
  subFlow<Args, Result>(flow: FlowDefinition<Args, Result>, args: Args): Promise<Result>
  /**
   * The flow's progress tracker (flow-progress.ts): set `ctx.progress.currentStep` as the flow moves on;
   * operators watch it with node.progress(flowId). A sub-flow has its own, nested under the current step.
   */
  readonly progress: FlowProgress
  /**
   * Waits durably for an external event (a person's approval, another system's answer) until
   * `node.signal(flowId, name, payload)` delivers a payload `schema` accepts, or `timeoutMs` passes. A
   * signal sent before the flow waits is kept for it; each event name is delivered once per flow, across
   * restarts and duplicate signals. Waiting again for a name already delivered throws InvalidOptionError.
   */
  waitFor<S extends z.ZodType>(name: string, schema: S, options?: WaitForOptions): Promise<WaitForResult<z.output<S>>>
}

/** A named flow: an async function of a context and arguments. `flow(name, fn)` in the engine builds one. */
// biome-ignore lint/suspicious/noExplicitAny: by default any arguments, so flows taking different ones fit one list of flows to register
export interface FlowDefinition<Args = any, Result = unknown> {
  readonly name: string
  readonly run: (context: FlowContext, args: Args) => Promise<Result>
}
