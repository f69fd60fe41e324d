/** What the Explorer's API answers, as the page reads it (values made plain JSON by the server). */

export type FlowState = 'running' | 'waiting' | 'hospitalized' | 'finished' | 'failed'

export interface WaitingFor {
  readonly kind: 'message' | 'handshake' | 'timer' | 'event'
  readonly party?: string
  readonly name?: string
  readonly protocol?: string
  readonly subFlows?: readonly string[]
  /** JSON Schema of an awaited event's payload. */
  readonly schema?: JsonSchema
  /** The wait in words (flow page only). */
  readonly text?: string
}

export interface FlowRow {
  readonly flowId: string
  readonly flowName: string
  readonly kind: 'started' | 'responder'
  readonly state: FlowState
  readonly startedAt: number
  readonly clientId?: string
  readonly owner?: string
  readonly progress?: readonly string[]
  readonly waitingFor?: WaitingFor
  readonly counterparties: readonly string[]
}

export interface ProgressStep {
  readonly name: string
  readonly label: string
  readonly child?: ProgressTreeView
}

/** A tracker's steps and the name of the current one (runtime/engine/progress-tracker.ts). */
export interface ProgressTreeView {
  readonly current: string
  readonly steps: readonly ProgressStep[]
}

export interface ProgressUpdate {
  readonly seq: number
  readonly change: string
  readonly path: readonly string[]
  readonly tree: ProgressTreeView
  readonly done: boolean
}

export interface ObservedAction {
  readonly at: number
  readonly protocol: string
  readonly version: number
  readonly role: 'initiator' | 'responder'
  readonly counterparty: string
  readonly action: 'send' | 'receive' | 'end'
  readonly label: string | null
}

export interface FlowDetail {
  readonly status: {
    readonly id: string
    readonly name: string
    readonly kind: string
    readonly status: 'running' | 'done' | 'failed'
    readonly startedAt: number
    readonly clientId?: string
    readonly owner?: string
    readonly progress?: readonly string[]
  }
  readonly sessions: readonly { readonly peer: string; readonly protocol: string; readonly version: number | null; readonly status: string }[]
  readonly waiting: readonly WaitingFor[]
  readonly actions: readonly ObservedAction[]
}

export interface JsonSchema {
  readonly type?: string | readonly string[]
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly required?: readonly string[]
  readonly enum?: readonly unknown[]
  readonly const?: unknown
  readonly description?: string
  readonly title?: string
}

/** One message of a flow's sessions as its journal records it (node.flowMessages, runtime/engine/message-history.ts). */
export interface FlowMessage {
  readonly direction: 'sent' | 'received'
  readonly counterparty: string
  readonly sessionId: string
  readonly role: 'initiator' | 'responder'
  readonly protocol: string
  readonly version: number | null
  readonly seq: number
  readonly kind: 'data' | 'choice' | 'end' | 'error'
  readonly label?: string
  readonly branch?: string
  /** A data message's payload is in the node's store (every received one; a sent one until the peer acknowledged it). */
  readonly payloadKept?: boolean
  readonly payload?: unknown
  readonly exception?: { readonly protocol: string; readonly errorType: string; readonly message: string; readonly details: unknown } | null
  readonly journalKey: string
  /** The sub-flows its session was opened in, outermost first; absent for the flow's own sessions. */
  readonly subFlows?: readonly string[]
}

export interface FlowMessageHistory {
  readonly flowId: string
  /** The flow finished: the node keeps no message history for it. */
  readonly finished: boolean
  readonly messages: readonly FlowMessage[]
}
