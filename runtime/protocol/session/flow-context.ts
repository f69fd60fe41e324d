/** What a flow can do besides talking on its sessions. The durable engine journals each of these. */
import type { SessionOpener } from './channel.js'

export interface FlowLogger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export interface FlowContext extends SessionOpener {
  /** This node's party name. */
  readonly me: string
  readonly flowId: string
  /** Runs a side effect once; on replay the recorded result is returned without running `fn` again. */
  step<T>(name: string, fn: () => T | Promise<T>): Promise<T>
  /** A durable timer: survives restarts, counting from when it was first started. */
  sleep(ms: number): Promise<void>
  readonly log: FlowLogger
  /**
   * Runs another flow inside this one, with its own journal scope: its sessions, steps and timers are
   * journaled under this flow's id. Errors it throws (including a counterparty's FlowException) are
   * catchable here.
   */
  subFlow<Args, Result>(flow: FlowDefinition<Args, Result>, args: Args): Promise<Result>
}

/** A named flow: an async function of a context and arguments. `flow(name, fn)` in the engine builds one. */
export interface FlowDefinition<Args = any, Result = unknown> {
  readonly name: string
  readonly run: (context: FlowContext, args: Args) => Promise<Result>
}
