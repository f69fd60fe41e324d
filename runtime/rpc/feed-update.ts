/** A node event as the state-machines feed sends it (rpc-protocol.ts StateMachineUpdate); errors as their wire fields. */
import type { FlowEvent } from '../engine/index.js'
import type { StateMachineUpdate } from './rpc-protocol.js'
import { toWireError } from './wire-error.js'

export function feedUpdate(event: FlowEvent): StateMachineUpdate | undefined {
  switch (event.type) {
    case 'flow-started':
      return { type: 'added', flowId: event.flow.flowId, flowName: event.flow.name, kind: event.flow.kind }
    case 'session-action':
      return { type: 'progressed', flowId: event.action.flowId, flowName: event.action.flowName, detail: event.action }
    case 'flow-progress':
      return { type: 'progressed', flowId: event.progress.flowId, flowName: event.progress.flowName, detail: event.progress }
    case 'flow-ended': {
      const { end } = event
      const base = { type: 'removed', flowId: end.flowId, flowName: end.name, kind: end.kind, ok: end.ok } as const
      return end.ok ? { ...base, result: end.result } : { ...base, error: toWireError(end.error) }
    }
    default: {
      const other = event as { readonly flowId?: unknown }
      return typeof other.flowId === 'string' ? { type: 'progressed', flowId: other.flowId, detail: event } : undefined
    }
  }
}
