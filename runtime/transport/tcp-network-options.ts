/**
 * How a TcpNetwork is set up, the defaults of what is left out, and the checks made before it listens:
 * a node whose identity the network map does not list, or lists with another key, could authenticate to
 * no peer, so it fails at start with the fix in the message.
 */
import type { HandshakeLimits } from './handshake-slots.js'
import { escapeLogText } from '../codec/log-text.js'
import { InvalidOptionError } from '../protocol/errors/invalid-option-error.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { type NodeIdentity, publicKeyText } from './identity.js'
import { type NetworkMap, NetworkMapError } from './network-map.js'
import type { LogThrottleOptions } from './log-throttle.js'
import type { ReconnectOptions } from './peer-link.js'
import { type WireLimits, wireLimits } from './wire-limits.js'

export interface TcpNetworkOptions {
  readonly identity: NodeIdentity
  readonly map: NetworkMap
  /** Where to accept connections; port 0 picks a free port (see `address`). */
  readonly listen: { readonly host: string; readonly port: number }
  /** Largest frame accepted or sent. Default 1 MiB. */
  readonly maxFrameBytes?: number
  /**
   * The largest values decoded from a peer's envelope; an envelope holding a larger one is refused as
   * malformed before the value is built. Defaults in DEFAULT_WIRE_LIMITS (bigints of 4096 digits).
   */
  readonly limits?: Partial<WireLimits>
  /** Rejections are logged with warn, lost peers with info. */
  readonly logger?: FlowLogger
  /**
   * Rejections of the same reason from the same peer beyond `burst` (default 10) in `intervalMs` (default
   * 30 s) are counted, not logged, and one summary line per interval reports them.
   */
  readonly rejectionLog?: LogThrottleOptions
  readonly reconnect?: ReconnectOptions
  /** A connection that has not authenticated after this long is closed. Default 5 s. */
  readonly handshakeTimeoutMs?: number
  /**
   * Incoming connections from one source address (an IPv4 address, or an IPv6 /64) that may be in their
   * handshake at once; beyond that a new one is refused unread. Default 16.
   */
  readonly maxHandshakesPerAddress?: number
  /**
   * Incoming connections in their handshake at once from all addresses together, a last resort: when all
   * are taken, the oldest of the address holding the most gives way to one from an address holding fewer.
   * Default 4096.
   */
  readonly maxHandshakes?: number
  /**
   * An outgoing connection whose envelopes get no answer (no frame at all from the peer) for this long is
   * closed and dialled again: the peer's host may have vanished without closing it. Default 15 s.
   */
  readonly silenceTimeoutMs?: number
}

export const MiB = 1024 * 1024

/** The handshake slot limits (handshake-slots.ts) with their defaults. */
export function handshakeLimits(options: TcpNetworkOptions): HandshakeLimits {
  return { perAddress: options.maxHandshakesPerAddress ?? 16, total: options.maxHandshakes ?? 4096 }
}

export const defaultLogger: FlowLogger = {
  info: () => {},
  warn: (message, fields) => console.warn(`[colloquy] ${escapeLogText(message)}`, fields ?? ''),
  error: (message, fields) => console.error(`[colloquy] ${escapeLogText(message)}`, fields ?? ''),
}

/** Throws when the identity is not the map's or the frame limit is out of range. */
export function checkTcpNetworkOptions(options: TcpNetworkOptions): void {
  checkMapListsIdentity(options.identity, options.map)
  wireLimits(options.limits)
  const maxFrameBytes = options.maxFrameBytes ?? MiB
  if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 4096 || maxFrameBytes > 0xffffffff) {
    throw new InvalidOptionError(`maxFrameBytes is ${maxFrameBytes}; use a whole number of bytes from 4096 to 4294967295.`)
  }
  const { perAddress, total } = handshakeLimits(options)
  const counts = { maxHandshakesPerAddress: perAddress, maxHandshakes: total, handshakeTimeoutMs: options.handshakeTimeoutMs ?? 5_000 }
  for (const [option, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 1) throw new InvalidOptionError(`${option} is ${value}; use a whole number of 1 or more.`)
  }
}

/** Throws when the map does not list the identity's name with its public key (at start, and for a reloaded map). */
export function checkMapListsIdentity(identity: NodeIdentity, map: NetworkMap): void {
  const own = map.party(identity.name)
  if (!own)
    throw new NetworkMapError(
      `The network map has no party named ${identity.name}; add { "name": "${identity.name}", "address": "host:port", "publicKey": "${publicKeyText(identity)}" } to it.`,
    )
  if (!own.key.equals(identity.publicKey)) {
    throw new NetworkMapError(
      `The network map lists another public key for ${identity.name} than its key file holds; set its "publicKey" to "${publicKeyText(identity)}" (or use the key file the map was made with).`,
    )
  }
}
