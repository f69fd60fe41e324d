/**
 * How compatibility findings are shown: one line each in the `path:line:col:` shape editors and CI
 * annotate, pointing at the current tree and naming where the released version had it; or plain JSON.
 */
import type { SourceLocation } from '../../runtime/protocol/dsl/call-site.js'
import type { CompatFinding } from '../compat/types.js'
import type { ReferenceSide } from './judge-versions.js'

/** `path:line:col: RULE: message. Remedy. (locked at path:line:col)` */
export function formatFinding(finding: CompatFinding, side: ReferenceSide): string {
  return `${formatPlace(finding.current)}: ${finding.rule}: ${findingBody(finding, side)}`
}

/** `Message. Remedy. (locked at path:line:col)`: a finding without its place and rule, for formats that carry those apart. */
export function findingBody(finding: CompatFinding, side: ReferenceSide): string {
  const where = side.kind === 'lock' ? 'locked at' : `at ${side.ref}:`
  const locked = finding.locked ? ` (${where} ${formatPlace(finding.locked)})` : ''
  return `${sentence(finding.message)} ${sentence(capitalised(finding.remedy))}${locked}`
}

export function formatPlace(at: SourceLocation | null): string {
  return at ? `${at.file}:${at.line}:${at.column}` : 'unknown location'
}

export interface FindingJson {
  readonly rule: string
  readonly protocol: string
  readonly version: number
  readonly message: string
  readonly remedy: string
  readonly current: SourceLocation | null
  readonly locked: SourceLocation | null
}

export function findingJson(finding: CompatFinding): FindingJson {
  const place = (at: SourceLocation | null): SourceLocation | null => (at ? { file: at.file, line: at.line, column: at.column } : null)
  const { protocol, version } = finding.subject
  return {
    rule: finding.rule,
    protocol,
    version,
    message: finding.message,
    remedy: finding.remedy,
    current: place(finding.current),
    locked: place(finding.locked),
  }
}

function sentence(text: string): string {
  const trimmed = text.trim()
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
