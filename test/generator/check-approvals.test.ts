/**
 * `colloquy check` for CI, end to end in a throw-away project: the github, sarif and json outputs of an
 * incompatible change with their fingerprints, approving it with `--approve`, the approval holding across
 * an unrelated edit of the same protocol file, and a new break still failing.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sarifErrors } from './support/sarif-validator.js'
import { type TempProject, tempProject } from './support/temp-project.js'

const demoFile = 'protocols/demo.protocol.ts'
const approvalsFile = 'protocols/colloquy.approvals.json'

interface FindingJson {
  rule: string
  protocol: string
  version: number
  fingerprint: string
  current: { file: string; line: number; column: number }
}
interface CheckJson {
  ok: boolean
  findings: FindingJson[]
  approved: (FindingJson & { reason: string })[]
  notes: string[]
}

describe('colloquy check for CI: formats and approvals', () => {
  let project: TempProject
  let demoSource: string
  const read = (file: string): string => readFileSync(path.join(project.root, file), 'utf8')
  const checkJson = (): { status: number | null; json: CheckJson } => {
    const result = project.cli('check', '--format', 'json')
    return { status: result.status, json: JSON.parse(result.stdout) as CheckJson }
  }
  /** Demo v1's first message changed from an integer to a string. */
  const brokenV1 = (): string => demoSource.replace(".send('amount', z.number().int())", ".send('amount', z.string())")
  /** Lines added above every step, and a new protocol in the same file: the steps of Demo move down. */
  const withPing = (source: string): string =>
    source
      .replace(
        "import { protocol } from '../runtime/protocol/index.js'\n",
        "import { protocol } from '../runtime/protocol/index.js'\n\n// Notes for readers.\n// More notes.\n",
      )
      .concat("\nexport const PingV1 = protocol('Ping', { version: 1, initiator: 'Alice', responder: 'Bob' }).send('ping', z.string()).end()\n")
  const regenerate = (source: string): void => {
    project.write(demoFile, source)
    expect(project.cli('generate').status).toBe(0)
  }
  let fingerprint: string

  beforeAll(() => {
    project = tempProject()
    rmSync(path.join(project.root, 'protocols/colloquy.lock.json'), { force: true })
    demoSource = read(demoFile)
    expect(project.cli('generate').status).toBe(0)
    expect(project.cli('lock').status).toBe(0)
    regenerate(brokenV1())
  })
  afterAll(() => project.dispose())

  it('--format json gives each finding its protocol, version and a fingerprint', () => {
    const { status, json } = checkJson()
    expect(status).toBe(5)
    expect(json.ok).toBe(false)
    expect(json.findings).toHaveLength(1)
    expect(json.findings[0]).toMatchObject({ rule: 'PAYLOAD_TYPE_CHANGED', protocol: 'Demo', version: 1, current: { file: demoFile } })
    fingerprint = json.findings[0]!.fingerprint
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/)
    expect(json.approved).toEqual([])
  })

  it('--format github prints an error annotation at the finding, exit 5 as in text', () => {
    const result = project.cli('check', '--format', 'github')
    expect(result.status).toBe(5)
    const { line, column } = checkJson().json.findings[0]!.current
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(
      new RegExp(
        `^::error file=protocols/demo\\.protocol\\.ts,line=${line},col=${column},title=PAYLOAD_TYPE_CHANGED::Demo v1 step 1 \\(send amount\\) changed .* \\[fingerprint ${fingerprint}\\]$`,
      ),
    )
    expect(lines.at(-1)).toMatch(/^colloquy check: 1 incompatible change to released version Demo v1 compared with protocols\/colloquy\.lock\.json;/)
  })

  it('--format sarif prints a valid SARIF 2.1.0 log whose result carries the same fingerprint', () => {
    const result = project.cli('check', '--format', 'sarif')
    expect(result.status).toBe(5)
    const log = JSON.parse(result.stdout) as { runs: [{ results: { ruleId: string; partialFingerprints: Record<string, string> }[] }] }
    expect(sarifErrors(log)).toEqual([])
    expect(log.runs[0].results.map((r) => [r.ruleId, Object.values(r.partialFingerprints)])).toEqual([['PAYLOAD_TYPE_CHANGED', [fingerprint]]])
  })

  it('refuses to approve a fingerprint the check does not report, and writes nothing', () => {
    const result = project.cli('check', '--approve', '0000000000000000', '--reason', 'typo')
    expect(result.status).toBe(2)
    expect(result.stderr).toContain("no finding of this check has the fingerprint '0000000000000000', so nothing was approved")
    expect(existsSync(path.join(project.root, approvalsFile))).toBe(false)
  })

  it('--approve records the finding with its reason, and the check passes from then on', () => {
    const approve = project.cli('check', '--approve', fingerprint, '--reason', 'Amounts travel as strings now; every peer runs the new build.')
    expect(approve.stderr).toBe('')
    expect(approve.status).toBe(0)
    expect(approve.stdout).toContain(`approved ${fingerprint}: PAYLOAD_TYPE_CHANGED in Demo v1, recorded in ${approvalsFile}\n`)
    expect(approve.stdout).toContain(`PAYLOAD_TYPE_CHANGED ${fingerprint} is approved: Amounts travel as strings now; every peer runs the new build.\n`)
    expect(approve.stdout).toMatch(
      /colloquy check: generated\/ is up to date; 8 locked protocol versions compared with protocols\/colloquy\.lock\.json: 1 approved incompatible change and no other \(\d+ ms\)/,
    )
    const file = JSON.parse(read(approvalsFile)) as {
      approvalsVersion: number
      approvals: Record<string, { protocol: string; version: number; rule: string; reason: string }>
    }
    expect(file.approvalsVersion).toBe(1)
    expect(file.approvals[fingerprint]).toMatchObject({
      protocol: 'Demo',
      version: 1,
      rule: 'PAYLOAD_TYPE_CHANGED',
      reason: expect.stringContaining('strings now'),
    })

    const { status, json } = checkJson()
    expect(status).toBe(0)
    expect(json).toMatchObject({ ok: true, findings: [] })
    expect(json.approved.map((a) => a.fingerprint)).toEqual([fingerprint])
    const github = project.cli('check', '--format', 'github')
    expect(github.status).toBe(0)
    expect(github.stdout).toMatch(/^::notice file=protocols\/demo\.protocol\.ts,line=\d+,col=\d+,title=PAYLOAD_TYPE_CHANGED \(approved\)::/m)
  })

  it('keeps the approval after an unrelated edit elsewhere in the protocol file', () => {
    const before = checkJson().json.approved[0]!.current.line
    regenerate(withPing(brokenV1()))
    const { status, json } = checkJson()
    expect(status).toBe(0)
    expect(json.findings).toEqual([])
    expect(json.approved.map((a) => a.fingerprint)).toEqual([fingerprint])
    expect(json.approved[0]!.current.line).toBe(before + 3)
    expect(json.notes).toContainEqual(expect.stringContaining('Ping v1 (protocols/demo.protocol.ts) is not locked yet'))
  })

  it('lets colloquy lock add new versions while keeping an approved version as it was locked', () => {
    const lockfile = (): { protocols: Record<string, Record<string, { hash: string }>> } => JSON.parse(read('protocols/colloquy.lock.json'))
    const demoV1 = lockfile().protocols.Demo!['1']!.hash
    const lock = project.cli('lock')
    expect(lock.stderr).toBe('')
    expect(lock.status).toBe(0)
    expect(lock.stdout).toContain('added Ping v1\n')
    expect(lock.stdout).toContain(`kept Demo v1 as locked: it changed since, and every change is approved in ${approvalsFile}\n`)
    expect(lock.stdout).toContain('(1 added, 8 kept, 0 replaced, 0 removed)')
    expect(lockfile().protocols.Demo!['1']!.hash).toBe(demoV1)
    expect(checkJson().json.approved.map((a) => a.fingerprint)).toEqual([fingerprint])
  })

  it('still fails on a different break, approving only the approved one', () => {
    regenerate(withPing(brokenV1()).replace(".receive('greeting', z.string())", ".receive('greeting', z.number())"))
    const { status, json } = checkJson()
    expect(status).toBe(5)
    expect(json.findings.map((f) => f.rule)).toEqual(['PAYLOAD_TYPE_CHANGED'])
    expect(json.findings[0]!.fingerprint).not.toBe(fingerprint)
    expect(json.approved.map((a) => a.fingerprint)).toEqual([fingerprint])
    const text = project.cli('check')
    expect(text.status).toBe(5)
    expect(text.stderr).toMatch(/^protocols\/demo\.protocol\.ts:\d+:\d+: PAYLOAD_TYPE_CHANGED: Demo v1 step 2 \(receive greeting\) changed/m)
    expect(text.stderr).toContain('colloquy check: 1 incompatible change to released version Demo v1 compared with protocols/colloquy.lock.json;')
    // lock refuses the break that is not approved, and names only that one.
    const lock = project.cli('lock')
    expect(lock.status).toBe(5)
    expect(lock.stderr).toMatch(/^protocols\/demo\.protocol\.ts:\d+:\d+: PAYLOAD_TYPE_CHANGED: Demo v1 step 2 \(receive greeting\)/)
    expect(lock.stderr).not.toContain('step 1 (send amount)')
  })

  it('names an approval that matches no finding any more, when the protocols are judged', () => {
    regenerate(withPing(demoSource).replace(".receive('greeting', z.string())", ".receive('greeting', z.number())"))
    const { status, json } = checkJson()
    expect(status).toBe(5)
    expect(json.approved).toEqual([])
    expect(json.notes).toContain(`approval ${fingerprint} (PAYLOAD_TYPE_CHANGED in Demo v1) in ${approvalsFile} matches no finding any more: remove it`)

    // Everything as locked again: answered from hashes alone, and nothing to approve.
    regenerate(withPing(demoSource))
    const clean = checkJson()
    expect(clean.status).toBe(0)
    expect(clean.json.approved).toEqual([])
  })
})
