/** `colloquy generate` says how to write handlers for a protocol too long for one inferred handler function. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TempProject, tempProject } from './support/temp-project.js'

function longProtocol(steps: number): string {
  const lines = [
    `import { z } from 'zod'`,
    `import { protocol } from '../runtime/protocol/index.js'`,
    '',
    `export const LongV1 = protocol('Long', { version: 1, initiator: 'A', responder: 'B' })`,
  ]
  for (let start = 0; start < steps; start += 100) {
    lines.push('  .pipe((p) =>', '    p')
    for (let i = start; i < Math.min(steps, start + 100); i++) lines.push(`      .${i % 2 ? 'receive' : 'send'}('m${i + 1}', z.number())`)
    lines.push('  )')
  }
  lines.push('  .end()', '')
  return lines.join('\n')
}

describe('colloquy generate on a long protocol', () => {
  let project: TempProject
  beforeAll(() => {
    project = tempProject()
    project.write('protocols/long.protocol.ts', longProtocol(450))
  })
  afterAll(() => project.dispose())

  it('notes, for that protocol only, how to annotate or split its handlers', () => {
    const run = project.cli('generate')
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const notes = run.stdout.split('\n').filter((line) => line.startsWith('note: '))
    expect(notes).toHaveLength(1)
    expect(notes[0]).toContain('note: Long v1 (protocols/long.protocol.ts) has 450 steps: tsc overflows its stack on a handler of more than about 400 steps')
    expect(notes[0]).toContain('Annotate each handler, naming its session (e.g. `async <S>(s: LongV1A_SendM1<S>): Promise<LongA_Completion<S, R>> => ...`)')
    expect(notes[0]).toContain(
      'split the handler into functions from one state to a later one (e.g. `async function secondHalf<S>(s: LongV1A_ReceiveM226<S>): Promise<LongA_Completion<S, R>>` from step 226 of 450)',
    )
  })
})
