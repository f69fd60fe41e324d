/**
 * What travels on an open session, and the version offers of a handshake, as zod schemas with the
 * TypeScript types inferred from them: the one definition the engine, the in-process test pair and the
 * wire schema (runtime/network/wire.ts) share. The bounds are the ones a frame from another process must
 * respect; nothing here is parsed in process.
 */
import { z } from 'zod'

const label = z.string().max(1024)

/** A frame on a session. Labels of inlined sub-protocols are prefixed: `CollectSignatures.proposal`. */
export const sessionFrameSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('data'), label, payload: z.unknown() }).readonly(),
  z.object({ kind: z.literal('choice'), label, branch: label }).readonly(),
])

export type SessionFrame = z.infer<typeof sessionFrameSchema>

export const versionOfferSchema = z
  .object({
    version: z.number().int(),
    /** Definition hash of that version (`sha256:...`); equal numbers with different hashes are rejected. */
    hash: z.string().max(256),
  })
  .readonly()

export type VersionOffer = z.infer<typeof versionOfferSchema>
