/**
 * A flow's run as a Mermaid sequence diagram: this node and each counterparty as participants, every
 * session action the Explorer saw (who sent which message at which protocol step) as an arrow, a session's
 * end as a note. Labels are reduced to characters Mermaid reads literally.
 */
import type { ObservedAction } from './types.js'

const safe = (text: string) => text.replace(/[^\w .:-]/g, '_')

export function runDiagram(node: string, actions: readonly ObservedAction[]): string {
  const me = 'self'
  const peers = [...new Set(actions.map((a) => a.counterparty))]
  const lines = ['sequenceDiagram', `  participant ${me} as ${safe(node)}`]
  for (const [i, peer] of peers.entries()) lines.push(`  participant p${i} as ${safe(peer)}`)
  for (const a of actions) {
    const peer = `p${peers.indexOf(a.counterparty)}`
    const step = `${safe(a.protocol)} v${a.version}`
    if (a.action === 'send') lines.push(`  ${me}->>${peer}: ${safe(a.label ?? '?')} (${step})`)
    else if (a.action === 'receive') lines.push(`  ${peer}->>${me}: ${safe(a.label ?? '?')} (${step})`)
    else lines.push(`  Note over ${me},${peer}: ${step} ended as ${a.role}`)
  }
  return lines.join('\n')
}
