/**
 * What nodes send each other, defined once as zod schemas with the TypeScript types inferred from them.
 * The in-memory network passes these values through as they are; a transport between processes parses
 * what arrives with the same schemas (runtime/transport/wire-schema.ts), so the checked shape and the
 * type the engine reads cannot drift apart.
 *
 * Every message has a deterministic id, so a re-sent message (after a restart or a lost acknowledgement)
 * carries the id of the original and the receiver drops the copy.
 *
 * Per session each side numbers what it sends: the initiator's frames from 0 (the init may carry frame
 * 0), the responder's from 1 (its 0 is the confirm or reject). Data, end and error share that sequence,
 * so an error or end is seen only after the frames sent before it.
 *
 * `held` is the responder's notice that its flow hospital keeps the init (no responder for the protocol
 * is installed there): it is no answer, a confirm or reject still follows. A build from before it refuses
 * the kind as a schema rejection (the item is dropped, nothing else on the link is affected); the responder
 * sends it again until it is acknowledged or the init is answered, and the init flow works as without it.
 */
import { z } from 'zod'
import { sessionFrameSchema, versionOfferSchema } from '../protocol/session/session-frame.js'

const name = z.string().min(1).max(256)
const id = z.string().min(1).max(1024)
const session = z.string().min(1).max(256)
const label = z.string().max(1024)
const dir = z.enum(['i', 'r'])
const seq = z.number().int().nonnegative()

/** A declared FlowException as it travels: type, message and details; undeclared errors travel as null. */
export const wireExceptionSchema = z.object({ protocol: name, errorType: label, message: z.string(), details: z.unknown() }).readonly()

export type WireException = z.infer<typeof wireExceptionSchema>

export const wireMessageSchema = z.discriminatedUnion('t', [
  z
    .object({
      t: z.literal('init'),
      session,
      protocol: name,
      versions: z.array(versionOfferSchema).max(1024).readonly(),
      /** The first frame when the initiator's first action was a send (piggy-backed, saves a round trip). */
      first: sessionFrameSchema.nullable(),
    })
    .readonly(),
  z.object({ t: z.literal('confirm'), session, version: z.number().int() }).readonly(),
  z.object({ t: z.literal('reject'), session, reason: z.string() }).readonly(),
  /** Not an answer: the responder's hospital keeps the init (why in `reason`); its confirm or reject comes later. */
  z.object({ t: z.literal('held'), session, reason: z.string() }).readonly(),
  z.object({ t: z.literal('data'), session, dir, seq, frame: sessionFrameSchema }).readonly(),
  z.object({ t: z.literal('end'), session, dir, seq }).readonly(),
  z.object({ t: z.literal('error'), session, dir, seq, exception: wireExceptionSchema.nullable() }).readonly(),
])

export type WireMessage = z.infer<typeof wireMessageSchema>

export const envelopeSchema = z
  .object({
    /** Deterministic message id (see message-ids in the engine). */
    id,
    from: name,
    to: name,
    body: wireMessageSchema,
  })
  .readonly()

export type Envelope = z.infer<typeof envelopeSchema>
