/**
 * The responder's side of the handshake: pick the highest version both sides declare, or a reason to
 * reject that the initiator will see as its error.
 */
import type { VersionOffer } from '../protocol/session/channel.js'

export type HandshakeOutcome = { readonly ok: true; readonly version: number } | { readonly ok: false; readonly reason: string }

export function negotiate(protocol: string, node: string, offered: readonly VersionOffer[], accepted: readonly VersionOffer[] | undefined): HandshakeOutcome {
  if (!accepted) return { ok: false, reason: `no responder registered for ${protocol} on node ${node}` }
  const ours = new Map(accepted.map((v) => [v.version, v.hash]))
  const common = offered.filter((v) => ours.has(v.version)).sort((a, b) => b.version - a.version)
  const best = common[0]
  if (!best) {
    return {
      ok: false,
      reason: `no common version of ${protocol}: initiator supports ${ranges(offered)}, responder supports ${ranges(accepted)}`,
    }
  }
  const hash = ours.get(best.version)!
  if (hash !== best.hash) {
    return {
      ok: false,
      reason:
        `${protocol} v${best.version} is defined differently on the two nodes: the initiator's definition hash is ${best.hash} but ${node}'s is ${hash}. ` +
        `A released version must not change; deploy the same protocol on both nodes, or bump the version number and keep the old version declared`,
    }
  }
  return { ok: true, version: best.version }
}

/** `1-2`, `1, 3-5`: versions as compact ranges. */
export function ranges(offers: readonly VersionOffer[]): string {
  const versions = [...new Set(offers.map((o) => o.version))].sort((a, b) => a - b)
  if (versions.length === 0) return 'none'
  const parts: string[] = []
  let start = versions[0]!
  let previous = start
  for (const v of [...versions.slice(1), Number.NaN]) {
    if (v === previous + 1) {
      previous = v
      continue
    }
    parts.push(start === previous ? `${start}` : `${start}-${previous}`)
    start = previous = v
  }
  return parts.join(', ')
}
