/** Errors the engine raises itself, and how flow errors cross the wire. */
import type { WireException } from '../network/wire.js'
import { FlowException, UnexpectedFlowEndError } from '../protocol/session/session-errors.js'
import type { StrandedFlow } from './declared-versions.js'

/** The flow's code made a different call than the one its journal recorded at that point. */
export class NonDeterminismError extends Error {
  override readonly name = 'NonDeterminismError'
}

/** A flow was asked for that this node cannot run (unknown name, stopped node). */
export class FlowStartError extends Error {
  override readonly name = 'FlowStartError'
}

/**
 * `createNode` refused to open a store holding flows in flight that use protocol versions the node's code
 * no longer declares, or declares with a different definition: replaying them would need the handlers
 * (and definitions) they started with. Nothing in the store changed. `flows` lists each such flow and session.
 */
export class RetiredVersionInFlightError extends Error {
  override readonly name = 'RetiredVersionInFlightError'

  constructor(
    readonly node: string,
    readonly flows: readonly StrandedFlow[],
  ) {
    const ids = [...new Set(flows.map((f) => f.flowId))]
    super(
      `Node ${node} did not start: ${ids.length} flow(s) in flight use protocol versions its code no longer declares, or defines differently:\n` +
        flows.map((f) => `  - ${describeStranded(f)}\n`).join('') +
        `Keep those versions declared until the flows finish: run the previous build with \`drain: true\` (it finishes the flows in flight and accepts no new ones; wait for node.drained), then start this build. ` +
        `Or end them: open this build with \`drain: true\`, which leaves them parked, and call node.killFlow(id) for each (${ids.join(', ')}); their counterparties see the flow end.`,
    )
  }
}

/** One line per stranded session, for errors and logs. */
export function describeStranded(flow: StrandedFlow): string {
  return `flow ${flow.flowId} ('${flow.flowName}', ${flow.role} with ${flow.counterparty}) ${versionInUse(flow)}`
}

/** The stranded session alone, for a message that already names the flow. */
export function describeStrandedSession(flow: StrandedFlow): string {
  return `its ${flow.role} session with ${flow.counterparty} ${versionInUse(flow)}`
}

function versionInUse(flow: StrandedFlow): string {
  if (flow.changed) {
    return (
      `uses ${flow.protocol} v${flow.version} as defined when it started (${flow.changed.recorded}), but this build defines ${flow.protocol} v${flow.version} differently (${flow.changed.declared}); ` +
      `a released version must not change: restore its definition and declare the change as a new version`
    )
  }
  return flow.negotiated ? `uses ${flow.protocol} v${flow.version}` : `offered ${flow.protocol} v${flow.version} and awaits the handshake`
}

/** The node runs in drain mode: it finishes its flows in flight and starts no new ones. */
export class NodeDrainingError extends Error {
  override readonly name = 'NodeDrainingError'
}

/** The flow was ended by an operator with killFlow. */
export class FlowKilledError extends Error {
  override readonly name = 'FlowKilledError'
}

/**
 * The wire form of an error escaping a flow, for a session of `protocol`. Only a FlowException this
 * flow raised itself, declared by the session's protocol, travels with its type, message and details;
 * everything else (including a FlowException received from another peer: they travel one hop) becomes
 * null, which the peer sees as UnexpectedFlowEndError without the original message.
 */
export function toWireException(error: unknown, protocol: string): WireException | null {
  if (!(error instanceof FlowException) || error.peer !== undefined || error.protocol !== protocol) return null
  return { protocol: error.protocol, errorType: error.errorType, message: error.message, details: error.details }
}

export function fromWireException(exception: WireException | null, peer: string, protocol: string): Error {
  if (exception === null) {
    return new UnexpectedFlowEndError(
      `${peer}'s flow on the ${protocol} session failed with an error it did not declare; its message is not shared. Look at ${peer}'s logs for the cause.`,
    )
  }
  const error = new FlowException(exception.protocol, exception.errorType, exception.details, exception.message)
  error.peer = peer
  error.stack = `${error.name}: ${error.message}\n    at Received counter-flow exception from peer ${peer}`
  return error
}
