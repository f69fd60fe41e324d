/**
 * `colloquy check --format github`: GitHub Actions workflow commands, so each finding is annotated on its
 * line in the pull request. `::error file=…,line=…,col=…,title=RULE::text` per failing finding and stale
 * file, `::notice` for approved findings and notes, then the summary as a plain log line. Values are
 * escaped as the runner expects: `%`, CR and LF in every part, and `:` and `,` in properties too.
 */
import type { SourceLocation } from '../../runtime/protocol/dsl/call-site.js'
import type { StaleOutput } from '../check-generated.js'
import { findingBody } from './format-findings.js'
import { fingerprintOf } from './finding-fingerprint.js'
import type { ReportWithApprovals } from './report-compatibility.js'

export interface GithubInput {
  readonly report: ReportWithApprovals
  readonly stale: readonly StaleOutput[]
  /** The generated folder, for the stale-file advice. */
  readonly outDir: string
  /** The closing `colloquy check: …` sentence. */
  readonly summary: string
}

/** The lines to print on stdout, without line ends. */
export function githubAnnotations({ report, stale, outDir, summary }: GithubInput): string[] {
  const lines: string[] = []
  for (const finding of report.findings) {
    const text = `${findingBody(finding, report.side)} [fingerprint ${fingerprintOf(finding)}]`
    lines.push(workflowCommand('error', { ...placeOf(finding.current), title: finding.rule }, text))
  }
  for (const file of stale) {
    const text = `${file.file} ${file.reason}; run \`npx colloquy generate\` and commit ${outDir}/.`
    lines.push(workflowCommand('error', { file: file.file, line: 1, col: 1, title: 'stale generated file' }, text))
  }
  for (const { finding, fingerprint, reason } of report.approved ?? []) {
    const text = `${findingBody(finding, report.side)} [fingerprint ${fingerprint}] Approved: ${reason}`
    lines.push(workflowCommand('notice', { ...placeOf(finding.current), title: `${finding.rule} (approved)` }, text))
  }
  for (const note of report.notes) lines.push(workflowCommand('notice', { title: 'colloquy check' }, `${note}.`))
  lines.push(`colloquy check: ${summary}`)
  return lines
}

type Properties = { readonly file?: string; readonly line?: number; readonly col?: number; readonly title?: string }

/** `::level prop=value,…::message`, each part escaped. */
export function workflowCommand(level: 'error' | 'warning' | 'notice', properties: Properties, message: string): string {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',')
  return `::${level}${props ? ` ${props}` : ''}::${escapeData(message)}`
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

function placeOf(at: SourceLocation | null): Properties {
  return at ? { file: at.file, line: at.line, col: at.column } : {}
}
