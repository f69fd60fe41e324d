/**
 * The approvals step of `colloquy check`: after the judgement, approved findings are set apart, and with
 * `--approve` the named findings are recorded first. The approvals file is read only when the protocols
 * were judged (or an approval is asked for): when the hashes alone show nothing changed there is no
 * finding to approve, and the no-op check stays as fast as before.
 */
import type { ApprovedReport } from './apply-approvals.js'
import type { CheckLayout, CompatibilityReport } from './compatibility-check.js'

export interface ApprovalRequest {
  readonly fingerprints: readonly string[]
  readonly reason: string | undefined
}

export interface CheckedApprovals {
  readonly report: CompatibilityReport | ApprovedReport
  /** One line per approval recorded by this run. */
  readonly recorded: readonly string[]
}

export async function checkApprovals(report: CompatibilityReport, layout: CheckLayout, request: ApprovalRequest): Promise<CheckedApprovals> {
  if (!report.loadedProtocols && request.fingerprints.length === 0) return { report, recorded: [] }
  const { readApprovals } = await import('./approvals.js')
  const { applyApprovals } = await import('./apply-approvals.js')
  const before = applyApprovals(report, readApprovals(layout.root, layout.protocolsDir), layout.protocolsDir)
  if (request.fingerprints.length === 0) return { report: before, recorded: [] }
  const { approveFindings } = await import('./approve-findings.js')
  const recorded = approveFindings(before.findings, before.approved, { ...layout, fingerprints: request.fingerprints, reason: request.reason ?? '' })
  return { report: applyApprovals(report, readApprovals(layout.root, layout.protocolsDir), layout.protocolsDir), recorded }
}
