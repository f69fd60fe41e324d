/** The per-peer quotas are set in node.json (`quotas`), each field optional; a misspelt or invalid one is refused by name. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { readNodeConfig } from '../../runtime/process/node-config.js'

const dir = mkdtempSync(join(tmpdir(), 'colloquy-quota-config-'))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function config(quotas: unknown): string {
  const file = join(dir, 'node.json')
  writeFileSync(file, JSON.stringify({ name: 'A', database: 'a.db', listen: '127.0.0.1:7001', networkMap: 'map.json', app: 'app.js', quotas }))
  return file
}

it('reads the quotas from node.json and refuses an unknown or invalid one', () => {
  expect(readNodeConfig(config({ maxResponderSessionsPerPeer: 50, peerSilenceAfterMs: 3600_000 })).quotas).toEqual({
    maxResponderSessionsPerPeer: 50,
    peerSilenceAfterMs: 3600_000,
  })
  expect(() => readNodeConfig(config({ maxSessions: 5 }))).toThrow(/quotas/)
  expect(() => readNodeConfig(config({ maxOutboxPerPeer: 0 }))).toThrow(/quotas\.maxOutboxPerPeer/)
})
