/**
 * A finding's fingerprint: 16 hex digits of the SHA-256 of its rule and subject (protocol, version, step
 * path on the locked side, and the field, branch or declared error inside it). Line numbers, messages and
 * edits elsewhere in the file do not enter it, so a break approved by its fingerprint stays approved while
 * the protocol file goes on changing around it, and a different break gets a different fingerprint.
 */
import { createHash } from 'node:crypto'
import { canonicalJson } from '../../runtime/protocol/ir/canonical-json.js'
import type { CompatFinding } from '../compat/types.js'

/** Bumped if the inputs ever change, so old approvals are not silently matched against new meanings. */
const scheme = 'colloquy-finding/1'

export function fingerprintOf(finding: Pick<CompatFinding, 'rule' | 'subject'>): string {
  const { protocol, version, step, detail } = finding.subject
  const input = canonicalJson({ scheme, rule: finding.rule, protocol, version, step, detail })
  return createHash('sha256').update(input).digest('hex').slice(0, 16)
}
