/**
 * The shape an envelope must have when it arrives from another process (runtime/network/wire.ts). The
 * peer is authenticated but not trusted: anything else is dropped before the engine sees it.
 */
import { z } from 'zod'
import type { Envelope } from '../network/wire.js'

const name = z.string().min(1).max(256)
const id = z.string().min(1).max(1024)
const session = z.string().min(1).max(256)
const label = z.string().max(1024)
const dir = z.enum(['i', 'r'])
const seq = z.number().int().nonnegative()

const sessionFrame = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('data'), label, payload: z.unknown() }),
  z.object({ kind: z.literal('choice'), label, branch: label }),
])

const exception = z.object({ protocol: name, errorType: label, message: z.string(), details: z.unknown() })

const body = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('init'),
    session,
    protocol: name,
    versions: z.array(z.object({ version: z.number().int(), hash: z.string().max(256) })).max(1024),
    first: sessionFrame.nullable(),
  }),
  z.object({ t: z.literal('confirm'), session, version: z.number().int() }),
  z.object({ t: z.literal('reject'), session, reason: z.string() }),
  z.object({ t: z.literal('data'), session, dir, seq, frame: sessionFrame }),
  z.object({ t: z.literal('end'), session, dir, seq }),
  z.object({ t: z.literal('error'), session, dir, seq, exception: exception.nullable() }),
])

const envelope = z.object({ id, from: name, to: name, body })

export type EnvelopeCheck = { readonly ok: true; readonly envelope: Envelope } | { readonly ok: false; readonly reason: string }

/** Checks untrusted data against the envelope schema; the reason names the first offending field. */
export function checkEnvelope(value: unknown): EnvelopeCheck {
  const parsed = envelope.safeParse(value)
  if (parsed.success) return { ok: true, envelope: parsed.data as Envelope }
  const issue = parsed.error.issues[0]!
  return { ok: false, reason: `${issue.path.length > 0 ? issue.path.join('.') : 'envelope'}: ${issue.message}` }
}
