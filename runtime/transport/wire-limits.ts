/**
 * The largest values a node decodes from a peer's envelope (TcpNetworkOptions.limits). Each is checked on
 * the raw text before the value is built, so an envelope over a limit is refused as malformed at the cost
 * of reading it: a bigint of a million digits would otherwise take most of a second of CPU to decode.
 * Strings, byte arrays and arrays are bounded by the frame limit too; their own limits are for nodes that
 * want them tighter.
 */
import type { TaggedJsonLimits } from '../codec/tagged-json.js'
import { InvalidOptionError } from '../protocol/errors/invalid-option-error.js'

export type WireLimits = TaggedJsonLimits

export const DEFAULT_WIRE_LIMITS: WireLimits = {
  bigintDigits: 4096,
  stringChars: 16 * 1024 * 1024,
  bytes: 16 * 1024 * 1024,
  arrayItems: 1024 * 1024,
  depth: 200,
}

/** The defaults with what `options` sets; throws when a limit is not a positive whole number. */
export function wireLimits(options: Partial<WireLimits> = {}): WireLimits {
  const limits = { ...DEFAULT_WIRE_LIMITS, ...options }
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new InvalidOptionError(
        `limits.${name} is ${value}; use a whole number of at least 1 (the default is ${DEFAULT_WIRE_LIMITS[name as keyof WireLimits]}).`,
      )
    }
  }
  return limits
}
