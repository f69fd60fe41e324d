/**
 * `colloquy check --approve <fingerprint> --reason "..."`: record that a finding the check reports is an
 * intentional break. Only a fingerprint the check reports now can be approved, so a typo or an outdated
 * fingerprint approves nothing; approving an approved finding again replaces its reason.
 */
import { UsageError } from '../../runtime/protocol/errors/usage-error.js'
import type { CompatFinding } from '../compat/types.js'
import type { ApprovedFinding } from './apply-approvals.js'
import { type Approvals, approvalsPath, readApprovals, writeApprovals } from './approvals.js'
import { fingerprintOf } from './finding-fingerprint.js'
import { versionLabel } from './lockfile.js'

export interface ApproveRequest {
  readonly root: string
  readonly protocolsDir: string
  readonly fingerprints: readonly string[]
  readonly reason: string
}

/** Writes the approvals file and returns one line per approval made, for stdout. */
export function approveFindings(findings: readonly CompatFinding[], approved: readonly ApprovedFinding[], request: ApproveRequest): string[] {
  const known = new Map<string, CompatFinding>()
  for (const finding of findings) known.set(fingerprintOf(finding), finding)
  for (const a of approved) known.set(a.fingerprint, a.finding)
  const current = readApprovals(request.root, request.protocolsDir)
  const approvals: Approvals = { ...current, approvals: { ...current.approvals } }
  const file = approvalsPath(request.protocolsDir)
  const lines: string[] = []
  for (const fingerprint of request.fingerprints) {
    const finding = known.get(fingerprint)
    if (!finding) {
      throw new UsageError(
        `no finding of this check has the fingerprint '${fingerprint}', so nothing was approved; \`colloquy check --format json\` lists each finding with its fingerprint`,
      )
    }
    const { protocol, version } = finding.subject
    approvals.approvals[fingerprint] = { protocol, version, rule: finding.rule, reason: request.reason, finding: finding.message }
    lines.push(`approved ${fingerprint}: ${finding.rule} in ${versionLabel({ name: protocol, version })}, recorded in ${file}`)
  }
  writeApprovals(request.root, request.protocolsDir, approvals)
  return lines
}
