/** A wait in a few words for the Flows table (the flow page shows the node's own sentence). */
import type { WaitingFor } from './types.js'

export function waitText(wait: WaitingFor): string {
  const where = wait.subFlows?.length ? ` (in ${wait.subFlows.join(' › ')})` : ''
  switch (wait.kind) {
    case 'message':
      return `a message from ${wait.party}${where}`
    case 'handshake':
      return `${wait.party} to answer${where}`
    case 'timer':
      return `a timer${where}`
    case 'event':
      return `event '${wait.name}'${where}`
  }
}
