/** What `colloquy check` prints about released versions: findings (stderr), notes and a summary. */
import type { ApprovedFinding } from './apply-approvals.js'
import type { CompatibilityReport } from './compatibility-check.js'
import { fingerprintOf } from './finding-fingerprint.js'
import { type FindingJson, findingJson, formatFinding, formatPlace } from './format-findings.js'
import { type VersionRef, versionLabel } from './lockfile.js'

export interface CompatibilityText {
  /** One `path:line:col: RULE: ...` line per finding, for stderr. */
  readonly findings: readonly string[]
  /** `note: ...` lines, for stdout. */
  readonly notes: readonly string[]
  /** The closing sentence: what was compared, and the outcome. */
  readonly summary: string
}

/** A report whose approved findings were set apart (apply-approvals.ts); without them, none were approved. */
export type ReportWithApprovals = CompatibilityReport & { readonly approved?: readonly ApprovedFinding[] }

export function compatibilityText(report: ReportWithApprovals): CompatibilityText {
  const findings = report.findings.map((f) => formatFinding(f, report.side))
  const approved = report.approved ?? []
  const notes = [
    ...approved.map((a) => `note: ${formatPlace(a.finding.current)}: ${a.finding.rule} ${a.fingerprint} is approved: ${oneLine(a.reason)}.`),
    ...report.notes.map((note) => `note: ${note}.`),
  ]
  const against = report.side.kind === 'lock' ? report.side.file : report.side.ref
  const compared = count(report.referenceCount, report.side.kind === 'lock' ? 'locked protocol version' : 'protocol version')
  if (report.findings.length === 0 && approved.length > 0) {
    return { findings, notes, summary: `${compared} compared with ${against}: ${count(approved.length, 'approved incompatible change')} and no other` }
  }
  if (report.findings.length === 0) {
    const summary = report.referencePresent ? `${compared} unchanged since ${against}` : `no released protocol versions recorded yet`
    return { findings, notes, summary }
  }
  const versions = affectedVersions(report)
  const what = count(report.findings.length, 'incompatible change')
  const remedy =
    report.side.kind === 'lock'
      ? 'released versions must not change: follow each remedy (usually a new version number with the old one kept declared), or run `colloquy lock --force` if no peer runs the locked definition'
      : 'released versions must not change: follow each remedy (usually a new version number with the old one kept declared)'
  return { findings, notes, summary: `${what} to ${versions} compared with ${against}; ${remedy}` }
}

export interface CompatibilityJson {
  readonly against: string
  readonly findings: readonly (FindingJson & { readonly fingerprint: string })[]
  /** Findings approved by fingerprint: they do not fail the check. */
  readonly approved: readonly (FindingJson & { readonly fingerprint: string; readonly reason: string })[]
  readonly unreleased: readonly (VersionRef & { readonly file: string })[]
  readonly notes: readonly string[]
  readonly loadedProtocols: boolean
}

export function compatibilityJson(report: ReportWithApprovals): CompatibilityJson {
  return {
    against: report.side.kind === 'lock' ? report.side.file : report.side.ref,
    findings: report.findings.map((f) => ({ ...findingJson(f), fingerprint: fingerprintOf(f) })),
    approved: (report.approved ?? []).map((a) => ({ ...findingJson(a.finding), fingerprint: a.fingerprint, reason: a.reason })),
    unreleased: report.unreleased,
    notes: report.notes,
    loadedProtocols: report.loadedProtocols,
  }
}

function affectedVersions(report: CompatibilityReport): string {
  const labels = [...new Set(report.affected.map(versionLabel))]
  return `${labels.length === 1 ? 'released version' : `${labels.length} released versions`} ${labels.join(', ')}`
}

/** A reason as one line of text, without a closing full stop of its own. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[.\s]+$/, '')
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
