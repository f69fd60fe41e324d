/**
 * `colloquy check --format sarif`: one SARIF 2.1.0 log (the OASIS standard code-scanning services read).
 * Each finding is a result with its rule from generator/compat/rules.ts, the current place as its location
 * and the released place as a related location, and its fingerprint as a partial fingerprint, so a scanning
 * service tracks it across commits. Approved findings stay in the log as results with an external
 * suppression carrying the reason. Stale generated files and notes are notifications of the invocation.
 * Paths are relative to the project root (`%SRCROOT%`).
 */
import type { SourceLocation } from '../../runtime/protocol/dsl/call-site.js'
import type { StaleOutput } from '../check-generated.js'
import { rules, versionRules } from '../compat/rules.js'
import type { CompatFinding } from '../compat/types.js'
import { fingerprintOf } from './finding-fingerprint.js'
import type { ReportWithApprovals } from './report-compatibility.js'

export const sarifSchemaUri = 'https://json.schemastore.org/sarif-2.1.0.json'
/** The key of a result's partial fingerprint. */
export const fingerprintKey = 'colloquyFinding/v1'

export interface SarifInput {
  readonly report: ReportWithApprovals
  readonly stale: readonly StaleOutput[]
  readonly outDir: string
  readonly summary: string
  readonly exitCode: number
  readonly toolVersion: string
}

export function sarifLog({ report, stale, outDir, summary, exitCode, toolVersion }: SarifInput): object {
  const described = [...rules, ...versionRules]
  const ruleIndex = new Map<string, number>(described.map((rule, index) => [rule.id, index]))
  const lockedText = report.side.kind === 'lock' ? `as locked in ${report.side.file}` : `at ${report.side.ref}`
  const result = (finding: CompatFinding, suppression?: { readonly reason: string }): object => ({
    ruleId: finding.rule,
    ...(ruleIndex.has(finding.rule) ? { ruleIndex: ruleIndex.get(finding.rule) } : {}),
    level: 'error',
    message: { text: `${sentence(finding.message)} ${sentence(capitalised(finding.remedy))}` },
    locations: finding.current ? [{ physicalLocation: physical(finding.current) }] : [],
    ...(finding.locked
      ? { relatedLocations: [{ id: 0, message: { text: `The released version ${lockedText}.` }, physicalLocation: physical(finding.locked) }] }
      : {}),
    partialFingerprints: { [fingerprintKey]: fingerprintOf(finding) },
    properties: { protocol: finding.subject.protocol, version: finding.subject.version },
    // No `status`: absent means accepted, and the schema revisions in use disagree on its name.
    ...(suppression ? { suppressions: [{ kind: 'external', justification: suppression.reason }] } : {}),
  })
  const notifications = [
    ...stale.map((file) => ({
      level: 'error',
      message: { text: `${file.file} ${file.reason}; run \`npx colloquy generate\` and commit ${outDir}/.` },
      locations: [{ physicalLocation: { artifactLocation: artifact(file.file) } }],
    })),
    ...report.notes.map((note) => ({ level: 'note', message: { text: sentence(capitalised(note)) } })),
    { level: exitCode === 0 ? 'note' : 'error', message: { text: `colloquy check: ${sentence(summary)}` } },
  ]
  return {
    $schema: sarifSchemaUri,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'colloquy',
            version: toolVersion,
            rules: described.map((rule) => ({
              id: rule.id,
              name: pascalCase(rule.id),
              shortDescription: { text: rule.summary },
              help: { text: `${rule.summary} Example: ${rule.example.replace(/`/g, '')}.` },
              defaultConfiguration: { level: 'error' },
              properties: { kind: rule.kind },
            })),
          },
        },
        invocations: [{ executionSuccessful: true, exitCode, toolExecutionNotifications: notifications }],
        results: [...report.findings.map((f) => result(f)), ...(report.approved ?? []).map((a) => result(a.finding, a))],
      },
    ],
  }
}

function physical(at: SourceLocation): object {
  return { artifactLocation: artifact(at.file), region: { startLine: at.line, startColumn: at.column } }
}

function artifact(file: string): object {
  return { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' }
}

function sentence(text: string): string {
  const trimmed = text.trim()
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** `PAYLOAD_TYPE_CHANGED` -> `PayloadTypeChanged`: SARIF's readable rule name. */
function pascalCase(id: string): string {
  return id
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')
}
