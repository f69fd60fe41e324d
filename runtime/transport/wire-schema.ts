/**
 * The check an envelope must pass when it arrives from another process, with the wire schemas of
 * runtime/network/wire.ts. The peer is authenticated but not trusted: anything else is dropped before
 * the engine sees it.
 */
import { type Envelope, envelopeSchema } from '../network/wire.js'

export type EnvelopeCheck = { readonly ok: true; readonly envelope: Envelope } | { readonly ok: false; readonly reason: string }

/** Checks untrusted data against the envelope schema; the reason names the first offending field. */
export function checkEnvelope(value: unknown): EnvelopeCheck {
  const parsed = envelopeSchema.safeParse(value)
  if (parsed.success) return { ok: true, envelope: parsed.data }
  const issue = parsed.error.issues[0]!
  return { ok: false, reason: `${issue.path.length > 0 ? issue.path.join('.') : 'envelope'}: ${issue.message}` }
}
