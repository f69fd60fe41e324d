/** A flow in the store that uses a protocol version the node's code does not declare, and how to describe it. */

export interface StrandedFlow {
  readonly flowId: string
  readonly flowName: string
  readonly kind: 'started' | 'responder'
  readonly protocol: string
  readonly version: number
  /** False when the session still awaits its handshake and `version` is one of the versions it offered. */
  readonly negotiated: boolean
  readonly role: 'initiator' | 'responder'
  readonly counterparty: string
  /** Set when the code declares the version but defines it differently from the definition the flow runs. */
  readonly changed?: { readonly recorded: string; readonly declared: string }
}

/** One line per stranded session, for errors and logs. */
export function describeStranded(flow: StrandedFlow): string {
  return `flow ${flow.flowId} ('${flow.flowName}', ${flow.role} with ${flow.counterparty}) ${versionInUse(flow)}`
}

/** The stranded session alone, for a message that already names the flow. */
export function describeStrandedSession(flow: StrandedFlow): string {
  return `its ${flow.role} session with ${flow.counterparty} ${versionInUse(flow)}`
}

function versionInUse(flow: StrandedFlow): string {
  if (flow.changed) {
    return (
      `uses ${flow.protocol} v${flow.version} as defined when it started (${flow.changed.recorded}), but this build defines ${flow.protocol} v${flow.version} differently (${flow.changed.declared}); ` +
      `a released version must not change: restore its definition and declare the change as a new version`
    )
  }
  return flow.negotiated ? `uses ${flow.protocol} v${flow.version}` : `offered ${flow.protocol} v${flow.version} and awaits the handshake`
}
