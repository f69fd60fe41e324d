/**
 * What a node answers operators and clients, beside running flows: starting registered flows by name,
 * client ids (client-ids.ts), listing flows and their status with what they wait for (waiting-for.ts),
 * progress (progress-hub.ts), signals for flows waiting on external events (external-events.ts), a flow's
 * messages (message-history.ts), results and store diagnostics. EngineNode (node.ts) extends it and hands it its parts once they are built; the
 * store stays ES-private here as there.
 */
import type { Observable } from 'rxjs'
import type { FlowStore } from '../store/flow-store.js'
import type { FlowListRow, TableCounts, UnfinishedFlow } from '../store/store-rows.js'
import { closestName } from './closest-name.js'
import type { NetworkPort } from '../network/network.js'
import type { ClientIds } from './client-ids.js'
import type { DeclaredVersions } from './declared-versions.js'
import type { Flow } from './flow.js'
import type { ProgressUpdate } from './flow-events.js'
import type { FlowRequests } from './flow-requests.js'
import type { FlowResults } from './flow-results.js'
import type { Hospital } from './hospital/hospital.js'
import type { LoadedFlows } from './loaded-flows.js'
import { type FlowMessageHistory, readMessageHistory } from './message-history.js'
import type {
  DeclaredProtocolVersion,
  FlowHandle,
  FlowListFilter,
  FlowState,
  FlowStatusReport,
  FlowSummary,
  PeerStatus,
  SignalOutcome,
  StartOptions,
} from './node-api.js'
import { UnknownFlowError } from './operation-errors.js'
import type { PeerBacklog } from './peer-backlog.js'
import type { ProgressHub } from './progress-hub.js'
import type { Registrations } from './registrations.js'
import type { WaitingFor } from './waiting-for.js'

export interface OperationParts {
  readonly name: string
  readonly registrations: Registrations
  readonly loaded: LoadedFlows
  readonly results: FlowResults
  readonly clientIds: ClientIds
  readonly progress: ProgressHub
  /** Signals and status, here or by the worker process that runs the flow (flow-requests.ts). */
  readonly requests: Pick<FlowRequests, 'signal' | 'status'>
  readonly declared: DeclaredVersions
  readonly backlog: PeerBacklog
  /** The node's network port while attached. */
  readonly port: () => NetworkPort | undefined
  readonly hospital: Pick<Hospital, 'state'>
}

/** What an evicted flow's row says it waits for. */
function parseWaits(text: string | null): readonly WaitingFor[] {
  return text === null ? [] : (JSON.parse(text) as WaitingFor[])
}

const storedStates: Readonly<Record<string, 'running' | 'done' | 'failed'>> = {
  running: 'running',
  waiting: 'running',
  hospitalized: 'running',
  finished: 'done',
  failed: 'failed',
}

export abstract class NodeOperations {
  readonly #store: FlowStore
  #parts: OperationParts | undefined

  constructor(store: FlowStore) {
    this.#store = store
  }

  /** Called once by the node's constructor, when its parts exist. */
  protected operate(parts: OperationParts): void {
    this.#parts = parts
  }

  private get parts(): OperationParts {
    return this.#parts!
  }

  abstract startFlow<A, R>(flow: Flow<A, R>, args: A, options?: StartOptions): FlowHandle<R>

  startFlowByName(name: string, args: unknown, options?: StartOptions): FlowHandle<unknown> {
    const { registrations, name: node } = this.parts
    const flow = registrations.flows.get(name)
    if (!flow) {
      const near = closestName(name, registrations.flows.keys())
      const hint = near === undefined ? `it can start ${this.flowNames().join(', ') || 'no flow'}` : `did you mean '${near}'?`
      throw new UnknownFlowError(`Node ${node} has no flow named '${name}'; ${hint} Register flows with createNode({ flows }).`)
    }
    return this.startFlow(flow, args, options)
  }

  flowNames(): string[] {
    return [...this.parts.registrations.flows.keys()].sort()
  }

  reattachFlow(clientId: string, owner = ''): Promise<FlowHandle<unknown> | null> {
    return this.parts.clientIds.reattach({ clientId, owner })
  }

  removeClientId(clientId: string, owner = ''): Promise<boolean> {
    return this.parts.clientIds.remove({ clientId, owner })
  }

  finishedFlowsWithClientIds(owner = ''): Promise<Record<string, boolean>> {
    return this.parts.clientIds.finished(owner)
  }

  async listFlows(filter: FlowListFilter = {}): Promise<FlowSummary[]> {
    const rows = await this.#store.listFlows({
      status: filter.state === undefined ? undefined : storedStates[filter.state],
      name: filter.flowName,
      clientId: filter.clientId,
      owner: filter.owner,
      startedSince: filter.startedSince,
    })
    const summaries = rows.map((row) => this.summary(row))
    return filter.state === undefined ? summaries : summaries.filter((summary) => summary.state === filter.state)
  }

  /** As the process running the flow knows it: this one, or the worker process that runs it (flow-requests.ts). */
  flowStatus(flowId: string): Promise<FlowStatusReport | undefined> {
    return this.parts.requests.status(flowId)
  }

  /** The flow's status as this process knows it: from memory when loaded here, else from the store. */
  protected async statusHere(flowId: string): Promise<FlowStatusReport | undefined> {
    const status = await this.#store.flowStatus(flowId)
    if (status?.status !== 'running') return status
    const run = this.parts.loaded.runs.get(flowId)
    const progress = run?.reportsProgress ? { progress: run.progress.path() } : {}
    const waits = run ? run.waitingFor : parseWaits((await this.#store.waitingOf(flowId)) ?? null)
    const hospital = this.parts.hospital.state(flowId)?.state
    return { ...status, ...progress, ...(waits.length > 0 ? { waitingFor: waits[0], waits } : {}), ...(hospital ? { hospital } : {}) }
  }

  progress(flowId: string): Observable<ProgressUpdate> {
    return this.parts.progress.follow(flowId)
  }

  signal(flowId: string, name: string, payload: unknown): Promise<SignalOutcome> {
    return this.parts.requests.signal(flowId, name, payload)
  }

  resultOf(flowId: string): Promise<unknown> {
    return this.parts.results.resultOf(flowId)
  }

  flowMessages(flowId: string): Promise<FlowMessageHistory> {
    const { name, declared } = this.parts
    return readMessageHistory(this.#store, name, flowId, (protocol, version, label) => declared.isChoice(protocol, version, label))
  }

  unfinishedFlows(): Promise<UnfinishedFlow[]> {
    return this.#store.unfinishedFlows()
  }

  tableCounts(): Promise<TableCounts> {
    return this.#store.counts()
  }

  committed(): Promise<void> {
    return this.#store.commits.commit()
  }

  private summary(row: FlowListRow): FlowSummary {
    const run = this.parts.loaded.runs.get(row.id)
    const waits = row.status !== 'running' ? [] : run ? run.waitingFor : parseWaits(row.waiting)
    let state: FlowState = row.status === 'done' ? 'finished' : row.status
    const kept = row.status === 'running' ? this.parts.hospital.state(row.id)?.state : undefined
    if (kept === 'observed' || kept === 'retrying') state = 'hospitalized'
    else if (state === 'running' && (run ? run.waits > 0 && run.busy === 0 : row.waiting !== null)) state = 'waiting'
    const progress = run?.reportsProgress ? run.progress.path() : row.progress === null ? undefined : (JSON.parse(row.progress) as string[])
    return {
      flowId: row.id,
      flowName: row.name,
      kind: row.kind,
      state,
      startedAt: row.started_at,
      ...(row.client_id === null ? {} : { clientId: row.client_id }),
      ...(row.owner === null ? {} : { owner: row.owner }),
      ...(progress === undefined ? {} : { progress }),
      ...(waits.length > 0 ? { waitingFor: waits[0] } : {}),
    }
  }

  protocols(): DeclaredProtocolVersion[] {
    return this.parts.declared.list()
  }

  peers(): PeerStatus[] {
    const { name, port, backlog } = this.parts
    const network = port()
    if (!network) return []
    return network
      .roster()
      .parties.filter((party) => party !== name)
      .map((party) => {
        const seen = network.peerStatus?.(party)
        const acknowledged = backlog.lastAcknowledged(party)
        return {
          party,
          connection: seen?.connection ?? 'unknown',
          ...(seen?.address === undefined ? {} : { address: seen.address }),
          outbox: backlog.waitingFor(party),
          ...(acknowledged === undefined ? {} : { lastAcknowledgedAt: acknowledged }),
          ...(seen?.lastError === undefined ? {} : { lastError: seen.lastError }),
        }
      })
  }
}
