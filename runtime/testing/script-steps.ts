/**
 * The steps of a scripted counterparty, written from the counterparty's side of the protocol:
 * `send` what it sends, `receive` what it expects the handler under test to send (optionally checking the
 * payload), `choose` a branch, `offer` (expect the handler's choice), `raise` a declared error, `abort`
 * (fail without a declared error). Labels are the protocol's message and choice labels; inside an inlined
 * sub-protocol they are prefixed with the inline's label, as on the wire: `'signatures.proposal'`.
 */

/** Checks a payload the handler sent: throw (e.g. a failed `expect`) or return false to fail the test. */
// biome-ignore lint/suspicious/noExplicitAny: a check is written against the message's own type, which the script cannot name
export type PayloadCheck<T = any> = (payload: T) => unknown

/** One step of a scripted counterparty; build steps with send, receive, choose, offer, raise and abort. */
export type ScriptStep =
  | { readonly kind: 'send'; readonly label: string; readonly payload: unknown | (() => unknown) }
  | { readonly kind: 'receive'; readonly label: string; readonly check: PayloadCheck | undefined }
  | { readonly kind: 'choose'; readonly label: string; readonly branch: string }
  | { readonly kind: 'offer'; readonly label: string; readonly branch: string | undefined }
  | { readonly kind: 'raise'; readonly errorType: string; readonly details: unknown; readonly message: string | undefined }
  | { readonly kind: 'abort'; readonly message: string | undefined }

/**
 * The counterparty sends message `label` with `payload` (checked against the protocol's schema first).
 * Give a function to build the payload when the step is played, from what the handler sent before.
 */
export function send(label: string, payload: unknown): ScriptStep {
  return { kind: 'send', label, payload }
}

/** The counterparty expects message `label` from the handler; `check` may inspect its payload. */
// biome-ignore lint/suspicious/noExplicitAny: see PayloadCheck
export function receive<T = any>(label: string, check?: PayloadCheck<T>): ScriptStep {
  return { kind: 'receive', label, check: check as PayloadCheck | undefined }
}

/** The counterparty picks `branch` of the choice `label`. */
export function choose(label: string, branch: string): ScriptStep {
  return { kind: 'choose', label, branch }
}

/** The counterparty expects the handler to pick a branch of `label`: `branch`, or any when omitted. */
export function offer(label: string, branch?: string): ScriptStep {
  return { kind: 'offer', label, branch }
}

/**
 * The counterparty's flow raises the declared error `errorType` (checked against the protocol's
 * declaration): the handler gets it as a FlowException at its next interaction. Ends the script.
 */
export function raise(errorType: string, details: unknown, message?: string): ScriptStep {
  return { kind: 'raise', errorType, details, message }
}

/** The counterparty's flow fails without a declared error: the handler gets UnexpectedFlowEndError. Ends the script. */
export function abort(message?: string): ScriptStep {
  return { kind: 'abort', message }
}

/** `receive('greeting')`, as messages name a step. */
export function describeStep(step: ScriptStep): string {
  switch (step.kind) {
    case 'send':
    case 'receive':
      return `${step.kind}('${step.label}')`
    case 'choose':
      return `choose('${step.label}', '${step.branch}')`
    case 'offer':
      return step.branch === undefined ? `offer('${step.label}')` : `offer('${step.label}', '${step.branch}')`
    case 'raise':
      return `raise('${step.errorType}')`
    case 'abort':
      return 'abort()'
  }
}
