import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TempProject, tempProject } from './support/temp-project.js'

const demoFile = 'protocols/demo.protocol.ts'

interface VersionsJson {
  lockfile: string | null
  protocols: {
    name: string
    file: string | null
    initiator: string
    responder: string
    offers: number[]
    accepts: number[]
    preferred: number | null
    versions: { version: number; state: string; hash: string; offered: boolean; accepted: boolean; preferred: boolean }[]
  }[]
}

describe('colloquy versions', () => {
  let project: TempProject

  beforeAll(() => {
    project = tempProject()
    rmSync(path.join(project.root, 'protocols/colloquy.lock.json'), { force: true })
    expect(project.cli('lock').status).toBe(0)
    // Demo v1 changed since it was locked, v2 removed from the tree, v3 declared but not locked.
    const demo = readFileSync(path.join(project.root, demoFile), 'utf8')
    const v2Start = demo.indexOf('export const DemoV2')
    project.write(
      demoFile,
      `${demo.slice(0, v2Start).replace(".receive('greeting', z.string())", ".receive('greeting', z.string().max(80))")}export const DemoV3 = protocol('Demo', { version: 3, initiator: 'Alice', responder: 'Bob' })
  .send('amount', z.string())
  .end()
`,
    )
  })
  afterAll(() => project.dispose())

  it('prints each version with its lock state, short hash and what a node offers and accepts', () => {
    const result = project.cli('versions', 'Demo')
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    const out = result.stdout
    expect(out).toContain(`Demo (${demoFile}; Alice initiates, Bob responds)`)
    expect(out).toMatch(/^ {2}VERSION +STATE +HASH +NODE$/m)
    expect(out).toMatch(/^ {2}v1 +changed since lock +[0-9a-f]{12} +offers, accepts$/m)
    expect(out).toMatch(/^ {2}v2 +removed from tree +[0-9a-f]{12} +not offered, not accepted$/m)
    expect(out).toMatch(/^ {2}v3 +unlocked +[0-9a-f]{12} +offers, accepts \(preferred\)$/m)
    expect(out).toContain('offers and accepts v1, v3; the handshake picks the highest version both peers declare, v3 when the peer has it.')
    expect(out).not.toContain('TwoPartyTrade')
  })

  it('lists every protocol without a name, all locked when unchanged', () => {
    const out = project.cli('versions').stdout
    for (const name of ['CollectSignatures', 'Demo', 'Echo', 'IssueRequest', 'PayloadKinds', 'PriceNegotiation', 'TwoPartyTrade'])
      expect(out).toContain(`${name} (protocols/`)
    expect(out).toMatch(
      /^TwoPartyTrade \(protocols\/two-party-trade\.protocol\.ts; \w+ initiates, \w+ responds\)\n {2}VERSION.*\n {2}v1 +locked +[0-9a-f]{12} +offers, accepts \(preferred\)$/m,
    )
  })

  it('gives the same table as JSON, with full hashes that match the lockfile', () => {
    const result = project.cli('versions', '--format', 'json')
    expect(result.status).toBe(0)
    const json = JSON.parse(result.stdout) as VersionsJson
    expect(json.lockfile).toBe('protocols/colloquy.lock.json')
    const demo = json.protocols.find((p) => p.name === 'Demo')!
    expect(demo).toMatchObject({ file: demoFile, initiator: 'Alice', responder: 'Bob', offers: [1, 3], accepts: [1, 3], preferred: 3 })
    expect(demo.versions.map((v) => [v.version, v.state, v.offered, v.preferred])).toEqual([
      [1, 'changed-since-lock', true, false],
      [2, 'removed-from-tree', false, false],
      [3, 'unlocked', true, true],
    ])
    const lock = JSON.parse(readFileSync(path.join(project.root, 'protocols/colloquy.lock.json'), 'utf8')) as {
      protocols: Record<string, Record<string, { hash: string }>>
    }
    expect(demo.versions[1]!.hash).toBe(lock.protocols.Demo!['2']!.hash)
    expect(demo.versions[0]!.hash).not.toBe(lock.protocols.Demo!['1']!.hash)
    expect(json.protocols.map((p) => p.name)).toEqual([
      'CollectSignatures',
      'Demo',
      'Echo',
      'IssueRequest',
      'PayloadKinds',
      'PriceNegotiation',
      'TwoPartyTrade',
    ])
  })

  it('names the known protocols when asked for an unknown one', () => {
    const result = project.cli('versions', 'Dmeo')
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(
      "unknown protocol 'Dmeo'; known protocols: CollectSignatures, Demo, Echo, IssueRequest, PayloadKinds, PriceNegotiation, TwoPartyTrade",
    )
  })
})
