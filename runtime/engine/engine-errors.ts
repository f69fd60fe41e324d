/** Errors the engine raises itself; each has a stable code (how flow errors cross the wire is in wire-exceptions.ts). */
import { ColloquyError } from '../protocol/errors/colloquy-error.js'
import { type StrandedFlow, describeStranded } from './stranded-flow.js'

/** The flow's code made a different call than the one its journal recorded at that point. */
export class NonDeterminismError extends ColloquyError {
  override readonly name = 'NonDeterminismError'
  readonly code = 'NON_DETERMINISM'
}

/** A flow was asked for that this node cannot run (unknown name, stopped node). */
export class FlowStartError extends ColloquyError {
  override readonly name = 'FlowStartError'
  readonly code = 'FLOW_START'
}

/**
 * `createNode` refused to open a store holding flows in flight that use protocol versions the node's code
 * no longer declares, or declares with a different definition: replaying them would need the handlers
 * (and definitions) they started with. Nothing in the store changed. `flows` lists each such flow and session.
 */
export class RetiredVersionInFlightError extends ColloquyError {
  override readonly name = 'RetiredVersionInFlightError'
  readonly code = 'RETIRED_VERSION_IN_FLIGHT'

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

/** The node runs in drain mode: it finishes its flows in flight and starts no new ones. */
export class NodeDrainingError extends ColloquyError {
  override readonly name = 'NodeDrainingError'
  readonly code = 'NODE_DRAINING'
}

/** The flow was ended by an operator with killFlow. */
export class FlowKilledError extends ColloquyError {
  override readonly name = 'FlowKilledError'
  readonly code = 'FLOW_KILLED'
}

/** A message arrived for a flow this build keeps parked; it is left with its sender, which sends it again. */
export class FlowParkedError extends ColloquyError {
  override readonly name = 'FlowParkedError'
  readonly code = 'FLOW_PARKED'
}

/** The node was stopped (or crashed) and takes no more messages; the sender keeps them until it runs again. */
export class NodeStoppedError extends ColloquyError {
  override readonly name = 'NodeStoppedError'
  readonly code = 'NODE_STOPPED'
}

/** The store lacks a row the journal says is there: it was changed outside Colloquy. */
export class StoreInconsistentError extends ColloquyError {
  override readonly name = 'StoreInconsistentError'
  readonly code = 'STORE_INCONSISTENT'
}

/** Something the engine guarantees did not hold: a bug in the engine, to be reported. */
export class EngineInvariantError extends ColloquyError {
  override readonly name = 'EngineInvariantError'
  readonly code = 'ENGINE_INVARIANT'
}

/**
 * A step that failed when it first ran fails again on replay with the recorded name and message (the
 * original error object is gone; its class is not recorded).
 */
export class ReplayedStepError extends ColloquyError {
  readonly code = 'STEP_FAILED'

  constructor(name: string, message: string) {
    super(message)
    this.name = name
  }
}

/**
 * The flow runs on another worker process of this node (flow-ownership.ts): it was not loaded here. A
 * message that meets this is not acknowledged (its sender sends it again and it is routed anew). A signal or
 * kill is handed to the worker running the flow (flow-requests.ts); it meets this only for a running flow no
 * worker has claimed yet, and should be asked again after the next takeover.
 */
export class FlowElsewhereError extends ColloquyError {
  override readonly name = 'FlowElsewhereError'
  readonly code = 'FLOW_ELSEWHERE'
}
