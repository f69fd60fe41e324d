/** What `colloquy check` prints about released versions: findings (stderr), notes and a summary. */
import type { CompatibilityReport } from './compatibility-check.js'
import { type FindingJson, findingJson, formatFinding } from './format-findings.js'
import { type VersionRef, versionLabel } from './lockfile.js'

export interface CompatibilityText {
  /** One `path:line:col: RULE: ...` line per finding, for stderr. */
  readonly findings: readonly string[]
  /** `note: ...` lines, for stdout. */
  readonly notes: readonly string[]
  /** The closing sentence: what was compared, and the outcome. */
  readonly summary: string
}

export function compatibilityText(report: CompatibilityReport): CompatibilityText {
  const findings = report.findings.map((f) => formatFinding(f, report.side))
  const notes = report.notes.map((note) => `note: ${note}.`)
  const against = report.side.kind === 'lock' ? report.side.file : report.side.ref
  if (report.findings.length === 0) {
    const summary = report.referencePresent
      ? `${count(report.referenceCount, report.side.kind === 'lock' ? 'locked protocol version' : 'protocol version')} unchanged since ${against}`
      : `no released protocol versions recorded yet`
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
  readonly findings: readonly FindingJson[]
  readonly unreleased: readonly (VersionRef & { readonly file: string })[]
  readonly notes: readonly string[]
  readonly loadedProtocols: boolean
}

export function compatibilityJson(report: CompatibilityReport): CompatibilityJson {
  return {
    against: report.side.kind === 'lock' ? report.side.file : report.side.ref,
    findings: report.findings.map(findingJson),
    unreleased: report.unreleased,
    notes: report.notes,
    loadedProtocols: report.loadedProtocols,
  }
}

function affectedVersions(report: CompatibilityReport): string {
  const labels = [...new Set(report.affected.map(versionLabel))]
  return `${labels.length === 1 ? 'released version' : `${labels.length} released versions`} ${labels.join(', ')}`
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
