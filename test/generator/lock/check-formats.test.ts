/**
 * The github and SARIF renderings of a check report, on a report made by hand: escaping of workflow
 * commands, what each finding, approved finding, stale file and note becomes, and a SARIF log that the
 * official SARIF 2.1.0 schema accepts.
 */
import { describe, expect, it } from 'vitest'
import { rules, versionRules } from '../../../generator/compat/rules.js'
import type { CompatFinding } from '../../../generator/compat/types.js'
import type { CompatibilityReport } from '../../../generator/lock/compatibility-check.js'
import { fingerprintOf } from '../../../generator/lock/finding-fingerprint.js'
import { escapeData, escapeProperty, githubAnnotations, workflowCommand } from '../../../generator/lock/format-github.js'
import { fingerprintKey, sarifLog } from '../../../generator/lock/format-sarif.js'
import type { ReportWithApprovals } from '../../../generator/lock/report-compatibility.js'
import { sarifErrors } from '../support/sarif-validator.js'

const typeChanged: CompatFinding = {
  rule: 'PAYLOAD_TYPE_CHANGED',
  subject: { protocol: 'Demo', version: 1, step: '0', detail: '' },
  message: 'Demo v1 step 1 (send amount) changed its payload from integer to string: 100% of old peers reject it',
  remedy: 'bump Demo to version 3 and keep version 1 declared',
  current: { file: 'protocols/demo, v1.protocol.ts', line: 13, column: 4 },
  locked: { file: 'protocols/demo, v1.protocol.ts', line: 12, column: 4 },
}
const removed: CompatFinding = {
  rule: 'LOCKED_VERSION_REMOVED',
  subject: { protocol: 'Echo', version: 1, step: null, detail: null },
  message: 'Echo v1 was locked in protocols/colloquy.lock.json but is no longer declared',
  remedy: 'Keep Echo v1 declared',
  current: null,
  locked: { file: 'protocols/echo.protocol.ts', line: 5, column: 21 },
}

const base: CompatibilityReport = {
  side: { kind: 'lock', file: 'protocols/colloquy.lock.json' },
  findings: [typeChanged],
  unreleased: [],
  notes: ['Demo v3 (protocols/demo.protocol.ts) is not locked yet: run `colloquy lock` when you release it'],
  loadedProtocols: true,
  referencePresent: true,
  referenceCount: 7,
  affected: [{ name: 'Demo', version: 1 }],
}
const report: ReportWithApprovals = {
  ...base,
  approved: [{ finding: removed, fingerprint: fingerprintOf(removed), reason: 'Echo v1 retired:\nno peer runs it' }],
}
const stale = [{ file: 'generated/demo.ts', reason: 'is out of date' }]

describe('workflow command escaping', () => {
  it('escapes %, CR and LF in messages, and : and , in properties too', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b')
    expect(escapeProperty('a,b:c%\n')).toBe('a%2Cb%3Ac%25%0A')
    expect(workflowCommand('error', { file: 'a,b:c.ts', line: 3, col: 4, title: 'X: y' }, 'line one\nline two')).toBe(
      '::error file=a%2Cb%3Ac.ts,line=3,col=4,title=X%3A y::line one%0Aline two',
    )
    expect(workflowCommand('notice', {}, 'plain')).toBe('::notice::plain')
  })
})

describe('check --format github', () => {
  const lines = githubAnnotations({ report, stale, outDir: 'generated', summary: 'the summary' })

  it('annotates each failing finding as an error at its current place, titled by its rule, with its fingerprint', () => {
    expect(lines[0]).toBe(
      `::error file=protocols/demo%2C v1.protocol.ts,line=13,col=4,title=PAYLOAD_TYPE_CHANGED::` +
        'Demo v1 step 1 (send amount) changed its payload from integer to string: 100%25 of old peers reject it. ' +
        `Bump Demo to version 3 and keep version 1 declared. (locked at protocols/demo, v1.protocol.ts:12:4) [fingerprint ${fingerprintOf(typeChanged)}]`,
    )
  })

  it('annotates stale files as errors, approved findings and notes as notices, then prints the summary', () => {
    expect(lines[1]).toBe(
      '::error file=generated/demo.ts,line=1,col=1,title=stale generated file::generated/demo.ts is out of date; run `npx colloquy generate` and commit generated/.',
    )
    expect(lines[2]).toMatch(
      /^::notice title=LOCKED_VERSION_REMOVED \(approved\)::Echo v1 was locked .* \[fingerprint [0-9a-f]{16}\] Approved: Echo v1 retired:%0Ano peer runs it$/,
    )
    expect(lines[3]).toBe('::notice title=colloquy check::Demo v3 (protocols/demo.protocol.ts) is not locked yet: run `colloquy lock` when you release it.')
    expect(lines.slice(4)).toEqual(['colloquy check: the summary'])
  })
})

describe('check --format sarif', () => {
  const log = sarifLog({ report, stale, outDir: 'generated', summary: 'the summary', exitCode: 5, toolVersion: '0.1.0' }) as {
    runs: [
      {
        tool: { driver: { rules: { id: string }[] } }
        invocations: [{ exitCode: number; toolExecutionNotifications: { level: string; message: { text: string } }[] }]
        results: {
          ruleId: string
          ruleIndex: number
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[]
          relatedLocations?: unknown[]
          partialFingerprints: Record<string, string>
          suppressions?: { kind: string; justification: string }[]
        }[]
      },
    ]
  }
  const run = log.runs[0]

  it('is valid against the SARIF 2.1.0 schema', () => {
    expect(sarifErrors(log)).toEqual([])
    // The validator does reject a malformed log.
    expect(sarifErrors({ ...log, version: '2.0.0' })).not.toEqual([])
  })

  it('describes every rule of rules.ts, and each result names its rule by id and index', () => {
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual([...rules, ...versionRules].map((r) => r.id))
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId)
  })

  it('gives a failing finding its place, the released place and its fingerprint', () => {
    const [failing] = run.results
    expect(failing!.ruleId).toBe('PAYLOAD_TYPE_CHANGED')
    expect(failing!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'protocols/demo%2C%20v1.protocol.ts', uriBaseId: '%SRCROOT%' },
      region: { startLine: 13, startColumn: 4 },
    })
    expect(failing!.relatedLocations).toHaveLength(1)
    expect(failing!.partialFingerprints).toEqual({ [fingerprintKey]: fingerprintOf(typeChanged) })
    expect(failing!.suppressions).toBeUndefined()
  })

  it('keeps an approved finding as a result with an external suppression giving the reason', () => {
    const approved = run.results[1]!
    expect(approved.ruleId).toBe('LOCKED_VERSION_REMOVED')
    expect(approved.locations).toEqual([])
    expect(approved.suppressions).toEqual([{ kind: 'external', justification: 'Echo v1 retired:\nno peer runs it' }])
  })

  it('reports stale files, notes and the summary as notifications, with the exit code', () => {
    const { exitCode, toolExecutionNotifications } = run.invocations[0]
    expect(exitCode).toBe(5)
    expect(toolExecutionNotifications.map((n) => `${n.level}: ${n.message.text}`)).toEqual([
      'error: generated/demo.ts is out of date; run `npx colloquy generate` and commit generated/.',
      'note: Demo v3 (protocols/demo.protocol.ts) is not locked yet: run `colloquy lock` when you release it.',
      'error: colloquy check: the summary.',
    ])
  })
})
