/**
 * Every compatibility rule against its fixture pair under test/generator/compat/fixtures/<rule-in-kebab-case>/:
 * previous.protocol.ts is the locked version, current.protocol.ts the version declared now. The line a
 * finding must point at carries `// @changed` (current) or `// @locked` (previous); where one side has no
 * such step, the marker is on that side's `protocol(...)` line. Pairs named compatible-* must give no
 * finding.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { compareVersions } from '../../../generator/compat/compare.js'
import { fixtureName, rules, rulesTable } from '../../../generator/compat/rules.js'
import { snapshotOf } from '../../../generator/compat/snapshot.js'
import type { CompatFinding, VersionSnapshot } from '../../../generator/compat/types.js'
import { type AnyProtocol, isProtocolDefinition } from '../../../runtime/protocol/index.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const fixturesDir = path.join(root, 'test/generator/compat/fixtures')
const relative = (file: string): string => path.relative(root, file).split(path.sep).join('/')

interface Side {
  readonly file: string
  readonly snapshot: VersionSnapshot
  readonly definition: AnyProtocol
  /** 1-based line carrying the marker, if any. */
  readonly marked: number | undefined
}

async function loadSide(dir: string, which: 'previous' | 'current'): Promise<Side> {
  const file = path.join(fixturesDir, dir, `${which}.protocol.ts`)
  const exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>
  const definitions = Object.values(exports).filter(isProtocolDefinition)
  expect(definitions, `${relative(file)} must export exactly one protocol version`).toHaveLength(1)
  const marker = which === 'current' ? '@changed' : '@locked'
  const lines = readFileSync(file, 'utf8').split('\n')
  const markedLines = lines.flatMap((line, index) => (line.includes(`// ${marker}`) ? [index + 1] : []))
  expect(markedLines.length, `${relative(file)}: at most one ${marker} marker`).toBeLessThanOrEqual(1)
  const definition = definitions[0]!
  return { file: relative(file), snapshot: snapshotOf(definition, root), definition, marked: markedLines[0] }
}

async function compareFixture(dir: string): Promise<{ previous: Side; current: Side; findings: CompatFinding[] }> {
  const previous = await loadSide(dir, 'previous')
  const current = await loadSide(dir, 'current')
  expect(current.definition.name).toBe(previous.definition.name)
  expect(current.definition.version).toBe(previous.definition.version)
  return { previous, current, findings: compareVersions(previous.snapshot, current.snapshot) }
}

const fixtureDirs = readdirSync(fixturesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()
const compatibleDirs = fixtureDirs.filter((name) => name.startsWith('compatible-'))
/** Rules about the protocol as a whole: their findings name no step. */
const protocolLevel = new Set(['ROLES_RENAMED', 'ERROR_ADDED', 'ERROR_REMOVED', 'ERROR_SCHEMA_CHANGED'])

describe('every rule has a fixture pair', () => {
  it('has one fixture folder per rule id, and no folder without a rule', () => {
    const expected = rules.map((rule) => fixtureName(rule.id)).sort()
    const ruleDirs = fixtureDirs.filter((name) => !name.startsWith('compatible-'))
    expect(ruleDirs).toEqual(expected)
    for (const dir of expected) {
      expect(existsSync(path.join(fixturesDir, dir, 'previous.protocol.ts')), `${dir}/previous.protocol.ts`).toBe(true)
      expect(existsSync(path.join(fixturesDir, dir, 'current.protocol.ts')), `${dir}/current.protocol.ts`).toBe(true)
    }
  })

  it('has rule ids that are unique and UPPER_SNAKE_CASE', () => {
    const ids = rules.map((rule) => rule.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(id).toMatch(/^[A-Z]+(?:_[A-Z]+)*$/)
  })
})

describe.each(rules.map((rule) => [rule.id, rule] as const))('%s', (id) => {
  const dir = fixtureName(id)
  let result: Awaited<ReturnType<typeof compareFixture>>
  beforeAll(async () => {
    result = await compareFixture(dir)
  })

  it('reports exactly one finding, with this rule id', () => {
    expect(result.findings.map((f) => `${f.rule}: ${f.message}`)).toHaveLength(1)
    expect(result.findings[0]!.rule).toBe(id)
  })

  it('points at the marked line on each side', () => {
    const [finding] = result.findings
    expect(result.current.marked, `${dir}/current.protocol.ts needs a // @changed marker`).toBeDefined()
    expect(result.previous.marked, `${dir}/previous.protocol.ts needs a // @locked marker`).toBeDefined()
    expect(finding!.current).toMatchObject({ file: result.current.file, line: result.current.marked })
    expect(finding!.locked).toMatchObject({ file: result.previous.file, line: result.previous.marked })
  })

  it('says which protocol, version and step, in the past tense, with the remedy', () => {
    const [finding] = result.findings
    const { name, version } = result.current.definition
    expect(finding!.message.startsWith(`${name} v${version} `)).toBe(true)
    if (!protocolLevel.has(id)) expect(finding!.message).toMatch(/\bstep \d+ \(/)
    expect(finding!.message).toMatch(/\b(added|removed|was renamed|moved|changed|narrowed|widened|made|renamed)\b/)
    expect(finding!.remedy).toBe(
      `Bump ${name} to version ${version + 1} and keep version ${version} declared, as locked, for peers that still run it; or undo the change`,
    )
  })
})

describe('compatible changes', () => {
  it('has compatible pairs to check', () => {
    expect(compatibleDirs.length).toBeGreaterThanOrEqual(5)
  })

  it.each(compatibleDirs)('%s gives no finding', async (dir) => {
    const { findings } = await compareFixture(dir)
    expect(findings.map((f) => `${f.rule}: ${f.message}`)).toEqual([])
  })
})

describe('the messages of the fixture findings', () => {
  const messageOf = async (id: string): Promise<string> => (await compareFixture(fixtureName(id))).findings[0]!.message

  it('names the type change and both failing pairs', async () => {
    expect(await messageOf('PAYLOAD_TYPE_CHANGED')).toBe(
      'Demo v1 step 1 (send amount) changed its payload from integer to string: a Bob on the current definition rejects what an Alice still on the locked definition sends, and a Bob still on the locked definition rejects what an Alice on the current definition sends',
    )
  })

  it('names the role that breaks on a choice change: the follower, not the chooser', async () => {
    expect(await messageOf('CHOICE_BRANCH_ADDED')).toBe(
      'Issue v1 step 2 (offer decision) added branch defer: an Issuer on the current definition may choose it, which a Requester still on the locked definition cannot follow',
    )
    expect(await messageOf('CHOICE_BRANCH_REMOVED')).toBe(
      'Issue v1 step 2 (offer decision) removed branch defer: an Issuer still on the locked definition may choose it, which a Requester on the current definition rejects',
    )
  })

  it('gives the field path and which writer and reader fail', async () => {
    expect(await messageOf('PAYLOAD_REQUIRED_FIELD_ADDED')).toBe(
      'Demo v1 step 4 (receive result) added the required field `note`: an Alice on the current definition rejects the payload of a Bob still on the locked definition, which never sends it',
    )
    expect(await messageOf('PAYLOAD_CONSTRAINT_NARROWED')).toContain(
      'narrowed field `quantity` from at least 0 to at least 1: a Buyer still on the locked definition may send values that a Broker on the current definition rejects',
    )
    expect(await messageOf('PAYLOAD_ENUM_VALUE_ADDED')).toContain(
      "added 'hold' to the values of field `side`: a Buyer on the current definition may send it, which a Broker still on the locked definition rejects",
    )
  })

  it('numbers a moved step as it is now and as it was', async () => {
    expect(await messageOf('STEP_MOVED')).toBe(
      'Demo v1 step 3 (receive greeting; step 2 when locked) moved: it now comes after step 2 (send reply), and came after step 1 (send amount); peers on different definitions expect the steps in a different order',
    )
  })

  it('describes a loop change by where the step goes back to', async () => {
    expect(await messageOf('LOOP_CHANGED')).toBe(
      'Haggle v1 step 6 (send raisedBid) changed where it continues: it went back to step 2 (offer response) and now goes back to step 4 (receive counterOffer), so peers on different definitions expect different steps after it',
    )
  })
})

describe('the README documents the rules', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Compatibility rules'))

  it('has a Compatibility rules section after the CLI reference', () => {
    expect(readme.indexOf('## Compatibility rules')).toBeGreaterThan(readme.indexOf('## CLI reference'))
  })

  it('lists exactly the rule ids of rules.ts in its table', () => {
    const table = section.slice(0, section.indexOf('\n## ') === -1 ? undefined : section.indexOf('\n## '))
    const listed = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1])
    expect(listed).toEqual(rules.map((rule) => rule.id))
  })

  it('holds the table as rulesTable() renders it', () => {
    expect(section).toContain(rulesTable())
  })
})
