/**
 * The flows in memory and their sessions by key: where an arriving message finds its session. A flow
 * leaves (ended, evicted, killed, node stopped) by `unload`, which only removes what is still its own.
 */
import type { FlowRun } from './flow-run.js'
import type { FlowSession } from './flow-session.js'
import type { WaitingFor } from './waiting-for.js'

export class LoadedFlows {
  readonly runs = new Map<string, FlowRun>()
  readonly sessions = new Map<string, FlowSession>()
  /** What evicted runs waited for when they left memory (node.flowStatus), until they are loaded again or end. */
  readonly evictedWaits = new Map<string, readonly WaitingFor[]>()

  register(session: FlowSession): void {
    this.sessions.set(session.key, session)
  }

  add(run: FlowRun): void {
    this.runs.set(run.flowId, run)
    this.evictedWaits.delete(run.flowId)
  }

  /** An idle run leaves memory (eviction.ts), its waits remembered. */
  evict(run: FlowRun): void {
    this.evictedWaits.set(run.flowId, [...run.waitingFor])
    this.unload(run)
  }

  /** A flow ended (or was killed) outside memory: nothing of it stays. */
  forget(flowId: string): void {
    this.evictedWaits.delete(flowId)
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
    this.evictedWaits.clear()
  }
}
