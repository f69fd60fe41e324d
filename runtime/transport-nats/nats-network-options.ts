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

export const natsSettingsSchema = z.strictObject({
  /** The broker, e.g. nats://127.0.0.1:4222 (several separated by commas). */
  url: z.string().min(1),
  /** The JetStream stream of this network; every node of the network names the same one. */
  stream: z.string().regex(token, 'must be letters, digits, - or _').default('COLLOQUY'),
  /** The first tokens of the network's subjects (`<prefix>.to.<party>`). */
  subjectPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be dot-separated tokens of letters, digits, - or _')
    .default('colloquy'),
  /** A message read and not acknowledged within this time is delivered again (the consumer's ack wait). */
  ackWaitMs: ms(100).default(30_000),
  /** How long after a failed `deliver` the message is delivered again. */
  retryDeliverAfterMs: ms(0).default(1_000),
  /** The stream's duplicate window: a publish with a message id seen within it is dropped by the broker. */
  duplicateWindowMs: ms(100).default(120_000),
  /** An envelope the broker stored is published again only after this long without the receiver's acknowledgement. */
  republishAfterMs: ms(0).default(120_000),
  /** A message signed longer ago than this is refused as replayed (below the engine's dedup window of 7 days). */
  maxMessageAgeMs: ms(1_000).default(24 * 60 * 60 * 1000),
  /** How long a publish waits for the broker's answer. */
  publishTimeoutMs: ms(100).default(5_000),
  /** How long the connection at start may take. */
  connectTimeoutMs: ms(100).default(5_000),
})

export type NatsSettings = z.output<typeof natsSettingsSchema>

export interface NatsNetworkOptions extends z.input<typeof natsSettingsSchema> {
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
