/**
 * A flow's messages (node.flowMessages) as a Mermaid sequence diagram: this node and each counterparty as
 * participants, every message an arrow numbered in order (the list under the diagram uses the same numbers),
 * labelled with its protocol step: the message's label, a choice with its branch, a session's end or error.
 * Labels are reduced to characters Mermaid reads literally.
 */
import type { FlowMessage } from './types.js'

const safe = (text: string) => text.replace(/[^\w .:-]/g, '_')

/** The step: the message's label (and a choice's branch), or end/error. */
function step(m: FlowMessage): string {
  if (m.kind === 'end' || m.kind === 'error') return m.kind
  return m.branch === undefined ? (m.label ?? '?') : `${m.label ?? '?'}: ${m.branch}`
}

/** What a message is, as the list and the arrows say it: its step, then the protocol version. */
export function messageStep(m: FlowMessage, clean: (text: string) => string = (text) => text): string {
  return `${clean(step(m))} (${clean(m.protocol)} v${m.version ?? '?'})`
}

export function messageDiagram(node: string, messages: readonly FlowMessage[]): string {
  const me = 'self'
  const peers = [...new Set(messages.map((m) => m.counterparty))]
  const lines = ['sequenceDiagram', '  autonumber', `  participant ${me} as ${safe(node)}`]
  for (const [i, peer] of peers.entries()) lines.push(`  participant p${i} as ${safe(peer)}`)
  for (const m of messages) {
    const peer = `p${peers.indexOf(m.counterparty)}`
    const [from, to] = m.direction === 'sent' ? [me, peer] : [peer, me]
    lines.push(`  ${from}${m.kind === 'end' || m.kind === 'error' ? '--)' : '->>'}${to}: ${messageStep(m, safe)}`)
  }
  return lines.join('\n')
}
