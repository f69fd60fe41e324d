/**
 * Starting a flow on this node (`node.startFlow`): synchronous, so it returns the handle at once and
 * throws FlowStartError at once for a caller-given id already in use. The id is checked in memory, then
 * with the store's one synchronous read (`flowIdTaken`, see runtime/store/flow-store.ts); a store that
 * cannot tell without I/O is read asynchronously while the id stays reserved in memory, and a taken id
 * then rejects `started` and `result` with the same FlowStartError. A fresh UUID is never looked up.
 * Arguments a flow's schema refuses throw InvalidFlowArgsError before any of that (flow-args.ts). Worker
 * processes of one node hold the id's claim (node-claims.ts) from before that read until the start
 * committed, so two of them starting one id at once start it once: the second gets the FlowStartError.
 */
import { randomUUID } from 'node:crypto'
import { encode } from '../store/codec.js'
import type { FlowOrigin, FlowStore } from '../store/flow-store.js'
import type { Clock } from './clock.js'
import { FlowStartError } from './engine-errors.js'
import type { EventHub } from './event-hub.js'
import type { Flow } from './flow.js'
import { parseFlowArgs } from './flow-args.js'
import type { FlowLauncher } from './flow-launcher.js'
import type { FlowResults } from './flow-results.js'
import { FlowRun, type RunEnvironment } from './flow-run.js'
import { ROOT_SCOPE } from './journal-key.js'
import type { LoadedFlows } from './loaded-flows.js'
import type { FlowHandle, StartOptions } from './node-api.js'
import { type NodeClaims, claimKeys } from './node-claims.js'
import { ScopeContext } from './scope-context.js'

/** Who starts a flow, as its row records it. */
function originOf(options: StartOptions): FlowOrigin {
  const owner = options.owner ?? ''
  return options.clientId === undefined ? { owner } : { owner, clientId: options.clientId }
}

export interface StarterParts {
  readonly node: string
  readonly clock: Clock
  readonly store: Pick<FlowStore, 'flowIdTaken' | 'flow' | 'insertFlow' | 'commits'>
  readonly env: RunEnvironment
  readonly loaded: LoadedFlows
  readonly launcher: FlowLauncher
  readonly results: FlowResults
  readonly events: EventHub
  /** Whether the node stopped (checked again after the store was read). */
  readonly stopped: () => boolean
  /** Held while a caller-given id is checked and started, when other processes of the node may start it too. */
  readonly claims: NodeClaims
}

export class FlowStarter {
  /** Caller-given ids whose start waits for the store's answer. */
  private readonly starting = new Set<string>()

  constructor(private readonly parts: StarterParts) {}

  start<A, R>(flow: Flow<A, R>, args: A, options: StartOptions): FlowHandle<R> {
    const { loaded, store, node } = this.parts
    // Before the id is looked at or anything written: a refused start leaves no trace.
    if (flow.argsSchema) parseFlowArgs(flow.name, flow.argsSchema, args)
    const flowId = options.flowId ?? randomUUID()
    const taken = () => new FlowStartError(`A flow with id ${flowId} already exists on ${node}; use a new id.`)
    const given = options.flowId !== undefined
    if (given && (loaded.runs.has(flowId) || this.starting.has(flowId))) throw taken()
    const stored = given ? store.flowIdTaken(flowId) : false
    if (stored) throw taken()
    let encodedArgs: Buffer
    try {
      encodedArgs = encode(args)
    } catch (error) {
      throw new FlowStartError(`The arguments of flow '${flow.name}' cannot be stored (${(error as Error).message}); pass plain data.`)
    }
    const origin = options.owner === undefined && options.clientId === undefined ? undefined : originOf(options)
    if (stored === undefined) return this.startOnceChecked(flow, args, flowId, encodedArgs, taken, origin)
    return this.begin(flow, args, flowId, encodedArgs, origin)
  }

  /** The store could not tell synchronously: the id stays reserved in memory while the store is read. */
  private startOnceChecked<A, R>(
    flow: Flow<A, R>,
    args: A,
    flowId: string,
    encodedArgs: Buffer,
    taken: () => FlowStartError,
    origin: FlowOrigin | undefined,
  ): FlowHandle<R> {
    this.starting.add(flowId)
    const { claims, store } = this.parts
    const claim = claimKeys.flow(flowId)
    const letGo = () => claims.release(claim)
    const begun = claims
      .hold(claim)
      .then(() => store.flow(flowId))
      .then((row) => {
        if (row) throw taken()
        if (this.parts.stopped()) throw new FlowStartError(`Node ${this.parts.node} is stopped; open it again with createNode to start flows.`)
        const handle = this.begin(flow, args, flowId, encodedArgs, origin)
        handle.started.then(letGo, letGo)
        return handle
      })
      .catch((error: unknown) => {
        letGo()
        throw error
      })
      .finally(() => this.starting.delete(flowId))
    const result = begun.then((handle) => handle.result)
    const started = begun.then((handle) => handle.started)
    result.catch(() => {}) // as for every result: the caller may never look
    started.catch(() => {})
    return { flowId, result, started }
  }

  private begin<A, R>(flow: Flow<A, R>, args: A, flowId: string, encodedArgs: Buffer, origin: FlowOrigin | undefined): FlowHandle<R> {
    const { store, env, events, launcher, results } = this.parts
    store.insertFlow(flowId, flow.name, 'started', encodedArgs, this.parts.clock.now(), origin)
    const run = new FlowRun(env, flowId, flow.name, 'started', new Map())
    run.origin = origin
    const root = new ScopeContext(run, ROOT_SCOPE)
    events.flowStarted(flowId, flow.name, 'started')
    launcher.launch(run, () => flow.run(root, args))
    const result = results.resultOf(flowId) as Promise<R>
    const started = store.commits.commit()
    started.catch(() => {}) // a failed commit stops the node, which logs it; the caller may never look
    return { flowId, result, started }
  }
}
