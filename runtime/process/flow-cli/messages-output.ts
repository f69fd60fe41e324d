/** How `colloquy flow messages` prints a flow's message history as text: one numbered line per message, payloads in tagged JSON. */
import { textTable } from '../text-table.js'
import type { FlowMessage, FlowMessageHistory } from '../../engine/index.js'
import { valueText } from './flow-output.js'

/** The step a message is: its label (with a choice's branch), or the session's end or the peer's error. */
function step(m: FlowMessage): string {
  if (m.kind === 'end' || m.kind === 'error') return m.kind
  return m.branch === undefined ? (m.label ?? '?') : `${m.label ?? '?'}: ${m.branch}`
}

function content(m: FlowMessage): string {
  if (m.kind === 'data') return m.payloadKept ? valueText(m.payload) : '(not kept: acknowledged by the peer; keepSentPayloads keeps it)'
  if (m.kind === 'error') return m.exception ? valueText(m.exception) : '(an error its protocol does not declare)'
  if (m.kind === 'choice' && m.branch === undefined) return '(branch not kept: acknowledged by the peer; keepSentPayloads keeps it)'
  return ''
}

export function messagesText(history: FlowMessageHistory): string {
  if (history.finished) return `Flow ${history.flowId} finished: the node keeps no message history for finished flows.`
  if (history.messages.length === 0) return `Flow ${history.flowId} has sent and received no message yet.`
  const rows = history.messages.map((m, i) => [
    `${i + 1}`,
    m.direction === 'sent' ? `to ${m.counterparty}` : `from ${m.counterparty}`,
    `${m.protocol} v${m.version ?? '?'}`,
    step(m),
    content(m),
  ])
  const header = ['#', 'PARTY', 'PROTOCOL', 'STEP', 'PAYLOAD']
  return textTable(header, rows)
}
