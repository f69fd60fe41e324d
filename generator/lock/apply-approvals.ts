/**
 * Approved findings leave the failing list: a report's findings are split by fingerprint into those still
 * failing and those approved in the approvals file, and approvals that match no finding any more are named
 * so they can be removed. Which versions count as affected follows the findings that still fail.
 */
import type { CompatFinding } from '../compat/types.js'
import type { Approvals } from './approvals.js'
import { approvalsPath } from './approvals.js'
import type { CompatibilityReport } from './compatibility-check.js'
import { fingerprintOf } from './finding-fingerprint.js'
import { versionLabel } from './lockfile.js'

export interface ApprovedFinding {
  readonly finding: CompatFinding
  readonly fingerprint: string
  readonly reason: string
}

export interface ApprovedReport extends CompatibilityReport {
  readonly approved: readonly ApprovedFinding[]
}

export function applyApprovals(report: CompatibilityReport, approvals: Approvals, protocolsDir: string): ApprovedReport {
  const failing: CompatFinding[] = []
  const approved: ApprovedFinding[] = []
  const matched = new Set<string>()
  for (const finding of report.findings) {
    const fingerprint = fingerprintOf(finding)
    const approval = approvals.approvals[fingerprint]
    if (!approval) {
      failing.push(finding)
      continue
    }
    matched.add(fingerprint)
    approved.push({ finding, fingerprint, reason: approval.reason })
  }
  const file = approvalsPath(protocolsDir)
  // Only a full judgement sees every finding; from hashes alone nothing can be said about an approval.
  const unmatched = report.loadedProtocols
    ? Object.entries(approvals.approvals)
        .filter(([fingerprint]) => !matched.has(fingerprint))
        .map(
          ([fingerprint, a]) =>
            `approval ${fingerprint} (${a.rule} in ${versionLabel({ name: a.protocol, version: a.version })}) in ${file} matches no finding any more: remove it`,
        )
    : []
  const stillAffected = new Set(failing.map((f) => `${f.subject.protocol}\0${f.subject.version}`))
  return {
    ...report,
    findings: failing,
    approved,
    notes: [...report.notes, ...unmatched],
    affected: report.affected.filter((v) => stillAffected.has(`${v.name}\0${v.version}`)),
  }
}
