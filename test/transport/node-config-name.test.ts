/** The node config's name follows the party name rule: a bad one is a config error (exit 2), named with the rule. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { readNodeConfig } from '../../runtime/process/node-config.js'

const dir = mkdtempSync(join(tmpdir(), 'colloquy-config-name-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function config(name: string): string {
  const file = join(dir, 'node.json')
  writeFileSync(file, JSON.stringify({ name, database: 'n.db', listen: '127.0.0.1:7001', networkMap: 'map.json', app: 'app.js' }))
  return file
}

it("refuses a node name with ':' as a config error naming the rule", () => {
  expect(() => readNodeConfig(config('A:B'))).toThrow(
    expect.objectContaining({
      name: 'NodeConfigError',
      message: expect.stringContaining(`name: "A:B" contains ':' (U+003A); a party name is 1 to 128 letters`),
    }),
  )
  expect(readNodeConfig(config('Bank of Ávila')).name).toBe('Bank of Ávila')
})
