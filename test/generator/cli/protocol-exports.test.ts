/** Exports that look like protocols but cannot be generated from are named for what they are, at their place. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TempProject, tempProject } from '../support/temp-project.js'

const header = `import { z } from 'zod'
import { protocol } from '../runtime/protocol/index.js'
`

describe('protocol exports colloquy generate cannot use', () => {
  let project: TempProject
  beforeAll(() => {
    project = tempProject()
  })
  afterAll(() => project.dispose())

  it('a chain without its final .end() is "not finished: add .end()" at its last step', () => {
    project.write(
      'protocols/unfinished.protocol.ts',
      `${header}export const Unfinished = protocol('Unfinished', { version: 1, initiator: 'A', responder: 'B' })
  .send('a', z.string())
  .receive('b', z.number())
`,
    )
    const result = project.cli('generate')
    expect(result.status).toBe(3)
    expect(result.stderr).toBe(
      'protocols/unfinished.protocol.ts:5:4: error: the protocol exported as Unfinished is not finished: add .end() after its last step.\n',
    )
    project.write(
      'protocols/unfinished.protocol.ts',
      `${header}export const Unfinished = protocol('Unfinished', { version: 1, initiator: 'A', responder: 'B' })\n`,
    )
    expect(project.cli('generate').stderr).toMatch(
      /^protocols\/unfinished\.protocol\.ts:1:1: error: the protocol exported as Unfinished is not finished: add \.end\(\)/,
    )
    project.write(
      'protocols/unfinished.protocol.ts',
      `${header}export const Unfinished = protocol('Unfinished', { version: 1, initiator: 'A', responder: 'B' }).send('a', z.string()).end()\n`,
    )
    expect(project.cli('generate').status).toBe(0)
  })

  it('a protocol as the default export is refused with a message saying to export it by name', () => {
    project.write(
      'protocols/defaulted.protocol.ts',
      `${header}export default protocol('Defaulted', { version: 1, initiator: 'A', responder: 'B' }).send('a', z.string()).end()\n`,
    )
    const result = project.cli('generate')
    expect(result.status).toBe(3)
    expect(result.stderr).toMatch(
      /^protocols\/defaulted\.protocol\.ts:3:\d+: error: Defaulted v1 is the default export; generated code imports protocols by name, so export it with a name \(export const Defaulted = protocol\(\.\.\.\)\.\.\.end\(\)\)\.\n$/,
    )
  })

  it('a protocol exported both by name and as the default export is generated from its name', () => {
    project.write(
      'protocols/defaulted.protocol.ts',
      `${header}export const Defaulted = protocol('Defaulted', { version: 1, initiator: 'A', responder: 'B' }).send('a', z.string()).end()\nexport default Defaulted\n`,
    )
    const result = project.cli('generate')
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
  })
})
