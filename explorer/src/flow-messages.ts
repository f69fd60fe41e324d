/**
 * A flow's message history (GET /api/flows/:id/messages, the node's flowMessages) as a Preact hook, loaded
 * again on every `revision`; when the node refuses it, why: the permission missing, or the node's words.
 */
import { useEffect, useState } from 'preact/hooks'
import { ApiError, errorText, get } from './api.js'
import type { FlowMessageHistory } from './types.js'

/** Why the history is not shown: the permission is missing, or the node could not answer. */
export interface Unread {
  readonly permission?: string
  readonly text: string
}

export function useFlowMessages(flowId: string, revision: unknown): { readonly history: FlowMessageHistory | null; readonly unread: Unread | null } {
  const [history, setHistory] = useState<FlowMessageHistory | null>(null)
  const [unread, setUnread] = useState<Unread | null>(null)
  useEffect(() => {
    get<FlowMessageHistory>(`/api/flows/${encodeURIComponent(flowId)}/messages`).then(
      (answer) => {
        setHistory(answer)
        setUnread(null)
      },
      (e: unknown) => {
        setHistory(null)
        setUnread(
          e instanceof ApiError && e.code === 'RPC_PERMISSION'
            ? { permission: e.permission ?? 'InvokeRpc.flowMessages', text: e.message }
            : { text: errorText(e) },
        )
      },
    )
  }, [flowId, revision])
  return { history, unread }
}
