/**
 * How a NatsNetwork is set up: the node's identity and network map (as for TCP; the map's addresses are
 * not used), the broker and the stream, and the timings of delivery. The plain settings are checked with
 * zod before anything connects; a bad one throws InvalidOptionError naming it and its range.
 */
import { z } from 'zod'
import { InvalidOptionError } from '../protocol/errors/invalid-option-error.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { NodeIdentity } from '../transport/identity.js'
import type { LogThrottleOptions } from '../transport/log-throttle.js'
import type { NetworkMap } from '../transport/network-map.js'
import type { WireLimits } from '../transport/wire-limits.js'

const token = /^[A-Za-z0-9_-]+$/
const ms = (min: number) =>
  z
    .number()
    .int()
    .min(min)
    .max(2 ** 31 - 1)

/** The plain settings of a NATS network, each with its default filled in (`natsSettings`). */
export interface NatsSettings {
  /** The broker, e.g. nats://127.0.0.1:4222 (several separated by commas; tls://... for TLS). */
  readonly url: string
  /** The JetStream stream of this network; every node of the network names the same one. Default COLLOQUY. */
  readonly stream: string
  /** The first tokens of the network's subjects (`<prefix>.to.<party>`). Default colloquy. */
  readonly subjectPrefix: string
  /** A message read and not acknowledged within this time is delivered again (the consumer's ack wait). Default 30 s. */
  readonly ackWaitMs: number
  /** How long after a failed `deliver` the message is delivered again. Default 1 s. */
  readonly retryDeliverAfterMs: number
  /** The stream's duplicate window: a publish with a message id seen within it is dropped by the broker. Default 2 min. */
  readonly duplicateWindowMs: number
  /** An envelope the broker stored is published again only after this long without the receiver's acknowledgement. Default 2 min. */
  readonly republishAfterMs: number
  /** A message signed longer ago than this is refused as replayed (keep it below the engine's dedup window of 7 days). Default 24 h. */
  readonly maxMessageAgeMs: number
  /** How long a publish waits for the broker's answer. Default 5 s. */
  readonly publishTimeoutMs: number
  /** How long connecting at start may take. Default 5 s. */
  readonly connectTimeoutMs: number
}

export const natsSettingsSchema = z.strictObject({
  url: z.string().min(1),
  stream: z.string().regex(token, 'must be letters, digits, - or _').default('COLLOQUY'),
  subjectPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be dot-separated tokens of letters, digits, - or _')
    .default('colloquy'),
  ackWaitMs: ms(100).default(30_000),
  retryDeliverAfterMs: ms(0).default(1_000),
  duplicateWindowMs: ms(100).default(120_000),
  republishAfterMs: ms(0).default(120_000),
  maxMessageAgeMs: ms(1_000).default(24 * 60 * 60 * 1000),
  publishTimeoutMs: ms(100).default(5_000),
  connectTimeoutMs: ms(100).default(5_000),
}) satisfies z.ZodType<NatsSettings>

export interface NatsNetworkOptions extends Partial<NatsSettings> {
  readonly url: string
  readonly identity: NodeIdentity
  readonly map: NetworkMap
  /** The largest values decoded from a peer's envelope (as TcpNetworkOptions.limits). */
  readonly limits?: Partial<WireLimits>
  /** Refusals are logged with warn (throttled per reason and party), broker outages with warn and info. */
  readonly logger?: FlowLogger
  readonly rejectionLog?: LogThrottleOptions
}

/** The settings of `options` with their defaults; throws InvalidOptionError naming the first bad one. */
export function natsSettings(options: NatsNetworkOptions): NatsSettings {
  const { identity: _identity, map: _map, limits: _limits, logger: _logger, rejectionLog: _rejectionLog, ...plain } = options
  const parsed = natsSettingsSchema.safeParse(plain)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  throw new InvalidOptionError(
    `The NATS network option ${issue.path.join('.') || '(options)'} is invalid: ${issue.message}. Fix it where the network is set up.`,
  )
}
