/** node.json's `keepSentPayloads` (NodeOptions.keepSentPayloads): off unless set to true; anything but a boolean is refused by name. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { readNodeConfig } from '../../runtime/process/node-config.js'

const dir = mkdtempSync(join(tmpdir(), 'colloquy-config-history-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function config(fields: Record<string, unknown>): string {
  const file = join(dir, 'node.json')
  writeFileSync(file, JSON.stringify({ name: 'N', store: 'n.db', listen: '127.0.0.1:7001', networkMap: 'map.json', app: 'app.js', ...fields }))
  return file
}

it('reads keepSentPayloads, false when absent, and refuses a value that is not a boolean', () => {
  expect(readNodeConfig(config({})).keepSentPayloads).toBe(false)
  expect(readNodeConfig(config({ keepSentPayloads: true })).keepSentPayloads).toBe(true)
  expect(readNodeConfig(config({ keepSentPayloads: false })).keepSentPayloads).toBe(false)
  expect(() => readNodeConfig(config({ keepSentPayloads: 'yes' }))).toThrow(/keepSentPayloads/)
  // The refusal lists the field among those a node.json may have.
  expect(() => readNodeConfig(config({ keepSentPayload: true }))).toThrow(/Fields: .*keepSentPayloads/)
})
