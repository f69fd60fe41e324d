/**
 * Every step of every locked protocol version in protocols/ is guarded: flipping the direction of any one
 * message or choice makes `colloquy check` fail with a rule id, pointing at that step's line both in the
 * tree and in the lockfile. Round k flips the k-th step of every protocol file at once, so a round is one
 * check run however many protocols there are.
 */
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { type TempProject, tempProject } from './support/temp-project.js'

const project: TempProject = tempProject()
afterAll(() => project.dispose())

const flips: Record<string, string> = { '.send(': '.receive(', '.receive(': '.send(', '.choose(': '.offer(', '.offer(': '.choose(' }
const stepCall = /\.(send|receive|choose|offer)\(/g

interface Site {
  readonly index: number
  readonly line: number
  readonly call: string
}

function sitesOf(source: string): Site[] {
  return [...source.matchAll(stepCall)].map((m) => ({ index: m.index, line: source.slice(0, m.index).split('\n').length, call: m[0] }))
}

const files = readdirSync(path.join(project.root, 'protocols'))
  .filter((f) => f.endsWith('.protocol.ts'))
  .map((f) => `protocols/${f}`)
const sources = new Map(files.map((f) => [f, readFileSync(path.join(project.root, f), 'utf8')]))
const rounds = Math.max(...files.map((f) => sitesOf(sources.get(f)!).length))

it('the tree as locked passes check', () => {
  expect(project.cli('generate').status).toBe(0)
  const check = project.cli('check')
  expect(check.status, check.stderr).toBe(0)
})

it(`flipping any step of a locked version fails check with the rule and both locations (${rounds} rounds)`, () => {
  let flipped = 0
  for (let k = 0; k < rounds; k++) {
    const expected: { file: string; line: number }[] = []
    for (const file of files) {
      const source = sources.get(file)!
      const site = sitesOf(source)[k]
      if (!site) continue
      project.write(file, source.slice(0, site.index) + flips[site.call] + source.slice(site.index + site.call.length))
      expected.push({ file, line: site.line })
    }
    try {
      const check = project.cli('check')
      expect(check.status, `round ${k}: ${check.stderr}`).toBe(5)
      for (const { file, line } of expected) {
        const finding = new RegExp(`^${file.replace(/\./g, '\\.')}:${line}:\\d+: [A-Z_]+: .+\\(locked at ${file.replace(/\./g, '\\.')}:${line}:\\d+\\)$`, 'm')
        expect(check.stderr, `round ${k}: no finding at ${file}:${line}`).toMatch(finding)
        flipped++
      }
    } finally {
      for (const file of files) project.write(file, sources.get(file)!)
    }
  }
  expect(flipped).toBe(files.reduce((n, f) => n + sitesOf(sources.get(f)!).length, 0))
}, 300_000)
