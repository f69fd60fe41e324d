/**
 * The flows in memory and their sessions by key: where an arriving message finds its session. A flow
 * leaves (ended, evicted, killed, node stopped) by `unload`, which only removes what is still its own.
 */
import type { FlowRun } from './flow-run.js'
import type { FlowSession } from './flow-session.js'

export class LoadedFlows {
  readonly runs = new Map<string, FlowRun>()
  readonly sessions = new Map<string, FlowSession>()

  register(session: FlowSession): void {
    this.sessions.set(session.key, session)
  }

  add(run: FlowRun): void {
    this.runs.set(run.flowId, run)
  }

  unload(run: FlowRun): void {
    if (this.runs.get(run.flowId) === run) this.runs.delete(run.flowId)
    for (const session of run.sessions.values()) if (this.sessions.get(session.key) === session) this.sessions.delete(session.key)
  }

  /** Every run dies where it stands (stop or crash). */
  clear(): void {
    for (const run of this.runs.values()) run.state = 'dead'
    this.runs.clear()
    this.sessions.clear()
  }
}
