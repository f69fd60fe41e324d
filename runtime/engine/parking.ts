/**
 * Parked flows: flows in the store this build cannot run (their flow, responder or protocol version is
 * missing). They stay untouched: not run, nothing sent for them, messages for them left with their
 * senders, until a build that can run them opens the store, or an operator kills them.
 */
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { ParkedFlow } from './node-api.js'
import { type StrandedFlow, describeStrandedSession } from './stranded-flow.js'

export class Parking {
  private readonly parked = new Map<string, ParkedFlow>()

  constructor(
    private readonly node: string,
    private readonly logger: FlowLogger,
  ) {}

  get size(): number {
    return this.parked.size
  }

  has(flowId: string): boolean {
    return this.parked.has(flowId)
  }

  list(): ParkedFlow[] {
    return [...this.parked.values()]
  }

  /** The flow leaves the parking (it is being killed). */
  release(flowId: string): void {
    this.parked.delete(flowId)
  }

  /** Parks every flow with a session on a version this build does not declare, one reason per flow. */
  parkStranded(stranded: readonly StrandedFlow[]): void {
    const byFlow = new Map<string, StrandedFlow[]>()
    for (const s of stranded) byFlow.set(s.flowId, [...(byFlow.get(s.flowId) ?? []), s])
    for (const [flowId, sessions] of byFlow) {
      const reason = sessions
        .map((s) => (s.changed ? describeStrandedSession(s) : `${describeStrandedSession(s)}, which this build does not declare`))
        .join('; ')
      this.park({ flowId, flowName: sessions[0]!.flowName, kind: sessions[0]!.kind, reason })
    }
  }

  /** Leaves a flow in the store untouched: not run, nothing sent for it, messages for it left with their senders. */
  park(flow: ParkedFlow): void {
    if (this.parked.has(flow.flowId)) return
    this.parked.set(flow.flowId, flow)
    this.logger.warn(
      `Flow ${flow.flowId} ('${flow.flowName}', ${flow.kind}) stays parked in the store of ${this.node}: ${flow.reason}. ` +
        `Finish it by running a build that declares what it needs, or end it with killFlow('${flow.flowId}').`,
    )
  }
}
