/**
 * What a session checks about a frame before it sends it: live, that its payload can be journaled and
 * sent (payload-check.ts), before anything is counted or journaled for it; on replay, that it is the frame
 * the journal recorded (payload-digest.ts).
 */
import type { SessionFrame } from '../protocol/session/channel.js'
import { PLAIN_DATA, encodingError } from '../protocol/session/payload-check.js'
import { preview } from '../protocol/session/payload-text.js'
import { NonDeterminismError } from './engine-errors.js'
import type { FlowRun } from './flow-run.js'
import { digestText, frameDigest } from './payload-digest.js'

export { frameDigest }

/** Throws InvalidPayloadError, naming flow, protocol, label and the path, when the payload cannot be encoded. */
export function assertSendable(flow: string, session: { readonly protocol: string; readonly counterparty: string }, frame: SessionFrame): void {
  if (frame.kind !== 'data') return
  const refused = encodingError(
    frame.payload,
    'payload',
    (problem) =>
      `Flow '${flow}' cannot send '${frame.label}' on the ${session.protocol} session with ${session.counterparty}: ${problem}, which cannot be journaled or sent. Send ${PLAIN_DATA}.`,
  )
  if (refused) throw refused
}

/**
 * On replay: a send whose journal entry has a digest must send the same frame again. A different one is
 * non-determinism; the flow fails with it even if its code catches it.
 */
export function assertSameSend(run: FlowRun, recorded: number | undefined, frame: SessionFrame, where: string): void {
  if (recorded === undefined) return
  const now = frameDigest(frame)
  if (now === recorded) return
  const sent = frame.kind === 'choice' ? `branch '${frame.branch}'` : `payload ${preview(frame.payload)}`
  const error = new NonDeterminismError(
    `Flow '${run.name}' (${run.flowId}) on ${run.env.node} deviated from its journal at ${where}: the journal recorded send '${frame.label}' with ` +
      `payload digest ${digestText(recorded)} but the replay sent ${sent} with digest ${digestText(now)}. A flow must send the same values when it is replayed: ` +
      `take time, randomness and ids from ctx.now(), ctx.random() and ctx.uuid(), and anything else from outside the flow through ctx.step.`,
  )
  run.fatal ??= error
  throw error
}
