/**
 * The RPC protocol of a node, defined once for the server (rpc-server.ts) and every client (the typed
 * client, the `colloquy flow` command line): WebSocket text frames, each one message in tagged JSON
 * (runtime/codec/tagged-json.ts, so Date, bigint, Map, Set and byte arrays survive), checked against the
 * schemas below before anything is done with it.
 *
 * A connection starts with `login`; the server answers `welcome` or `refused` (and closes). Then each
 * `req` names an operation and its arguments and gets zero or more `next` and one `done` or `fail` with the
 * same id; `cancel` ends a stream early. Streams (a started flow's progress and result, progress,
 * the state-machines feed) are requests that send `next` before they end.
 */
import { z } from 'zod'

export const RPC_PROTOCOL_VERSION = 1

/** Longest user name, password, flow name, client id, flow id or signal name the server reads. */
const text = z.string().min(1).max(1024)

/** An error as it travels: the fields that rebuild it as its class on the client (wire-error.ts). */
export const WireErrorSchema = z.object({
  code: z.string().max(256).optional(),
  name: z.string().max(256),
  message: z.string().max(65_536),
  protocol: z.string().max(1024).optional(),
  errorType: z.string().max(1024).optional(),
  details: z.unknown().optional(),
  peer: z.string().max(1024).optional(),
  /** Extra data of an error class (the fields of InvalidFlowArgsError, the permission refused). */
  data: z.record(z.string(), z.unknown()).optional(),
})
export type WireError = z.infer<typeof WireErrorSchema>

export const flowStates = ['running', 'waiting', 'hospitalized', 'finished', 'failed'] as const

/** What selects flows in the hospital (runtime/engine/hospital/hospital-api.ts HospitalFilter). */
const hospitalFilter = {
  flowName: text.optional(),
  state: z.enum(['observed', 'retrying', 'running']).optional(),
  staff: text.optional(),
  error: text.optional(),
}

/** Every operation with the schema of its arguments. */
export const operationArgs = {
  /** Starts a flow by name (permission `StartFlow.<name>`); a stream: `started`, `progress` when tracked, then the result. */
  startFlow: z.strictObject({
    flowName: text,
    args: z.unknown().optional(),
    clientId: text.optional(),
    /** Chosen by the client, so a start sent again after a lost connection finds the flow it started. */
    flowId: text.optional(),
    track: z.boolean().optional(),
  }),
  /** A stream like startFlow's for the flow with this client id; ends at once with `null` when there is none. */
  reattachFlow: z.strictObject({ clientId: text }),
  removeClientId: z.strictObject({ clientId: text }),
  finishedFlowsWithClientIds: z.strictObject({}),
  killFlow: z.strictObject({ flowId: text }),
  listFlows: z.strictObject({
    state: z.enum(flowStates).optional(),
    flowName: text.optional(),
    clientId: text.optional(),
    startedSince: z.number().optional(),
  }),
  flowStatus: z.strictObject({ flowId: text }),
  /** The messages a running flow sent and received, payloads included: a permission of its own, as payloads may be sensitive. */
  flowMessages: z.strictObject({ flowId: text }),
  signal: z.strictObject({ flowId: text, name: text, payload: z.unknown().optional() }),
  /** A stream of a flow's progress; a late subscriber gets the current state first. */
  progress: z.strictObject({ flowId: text }),
  /** A stream of flows added, progressed and ended on the node. */
  stateMachinesFeed: z.strictObject({}),
  flowNames: z.strictObject({}),
  /** The unfinished flows with their sessions (peer, protocol, version, status), oldest first. */
  unfinishedFlows: z.strictObject({}),
  /** Every protocol version the node's code declares, with hash, roles and state table. */
  protocols: z.strictObject({}),
  /** The network's other parties: connection, address, unacknowledged messages, last acknowledgement and error. */
  peers: z.strictObject({}),
  // The flow hospital (permissions InvokeRpc.hospital.<operation>, or InvokeRpc.hospital.* for all of them).
  'hospital.list': z.strictObject(hospitalFilter),
  'hospital.show': z.strictObject({ flowId: text }),
  'hospital.retry': z.strictObject({ flowId: text }),
  /** Retries every kept flow the filter matches; with dryRun, lists them only. */
  'hospital.retryAll': z.strictObject({ ...hospitalFilter, dryRun: z.boolean().optional() }),
  'hospital.kill': z.strictObject({ flowId: text }),
  'hospital.heldInits': z.strictObject({}),
  'hospital.rejectInit': z.strictObject({ id: text }),
  /** A stream of the hospital's events (admissions, retries, discharges, held and released inits). */
  'hospital.events': z.strictObject({}),
} as const

export type Operation = keyof typeof operationArgs
export const operations = Object.keys(operationArgs) as Operation[]
export type OperationArgs<O extends Operation> = z.output<(typeof operationArgs)[O]>

/** A message from a client; a request's arguments are checked against its operation's schema next (operationArgs). */
export const ClientMessageSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('login'), v: z.number().int(), user: text, password: z.string().max(1024) }),
  z.strictObject({ t: z.literal('cancel'), id: z.number().int().nonnegative() }),
  z.strictObject({
    t: z.literal('req'),
    id: z.number().int().nonnegative(),
    op: z.enum(operations as [Operation, ...Operation[]]),
    args: z.unknown().optional(),
  }),
])
export type ClientMessage = z.infer<typeof ClientMessageSchema>
export type RequestMessage = Extract<ClientMessage, { t: 'req' }>

export const ServerMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('welcome'), v: z.number().int(), node: z.string(), user: z.string() }),
  z.object({ t: z.literal('refused'), error: WireErrorSchema }),
  z.object({ t: z.literal('next'), id: z.number().int(), value: z.unknown().optional() }),
  z.object({ t: z.literal('done'), id: z.number().int(), value: z.unknown().optional() }),
  z.object({ t: z.literal('fail'), id: z.number().int(), error: WireErrorSchema }),
])
export type ServerMessage = z.infer<typeof ServerMessageSchema>

/** What a flow stream (startFlow, reattachFlow) sends before its result. */
export type FlowStreamItem =
  | { readonly kind: 'started'; readonly flowId: string; readonly clientId?: string }
  | { readonly kind: 'progress'; readonly update: unknown }

/** The largest frame either side reads; a larger one closes the connection. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024

/** Limits for tagged JSON from the other side. */
export const RPC_JSON_LIMITS = { bigintDigits: 4096, stringChars: 1_048_576, bytes: 2_097_152, arrayItems: 100_000, depth: 100 } as const

/** One item of the state-machines feed: a flow added, progressed (a step or a session action) or ended. */
export type StateMachineUpdate =
  | { readonly type: 'added'; readonly flowId: string; readonly flowName: string; readonly kind: 'started' | 'responder' }
  | { readonly type: 'progressed'; readonly flowId: string; readonly flowName?: string; readonly detail: unknown }
  | {
      readonly type: 'removed'
      readonly flowId: string
      readonly flowName: string
      readonly kind: 'started' | 'responder'
      readonly ok: boolean
      readonly result?: unknown
      readonly error?: WireError
    }
