/**
 * The `explorer` section of node.json: off without it; `listen` as { host, port } with host 127.0.0.1 when
 * left out; a non-loopback host needs TLS or allowInsecure; the section needs an `rpc` section, since the
 * Explorer reaches the node through it. `colloquy explorer` refuses the same listen address.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { explorerCommand } from '../../runtime/process/explorer-command.js'
import { readNodeConfig } from '../../runtime/process/node-config.js'

const dir = mkdtempSync(join(tmpdir(), 'colloquy-explorer-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const rpc = { listen: '127.0.0.1:7100', users: [] }

function config(extra: Record<string, unknown>): string {
  const file = join(dir, 'node.json')
  writeFileSync(file, JSON.stringify({ name: 'A', database: 'a.db', listen: '127.0.0.1:7001', networkMap: 'map.json', app: 'app.js', ...extra }))
  return file
}

it('is off by default and listens on loopback when the host is left out', () => {
  expect(readNodeConfig(config({ rpc })).explorer).toBeUndefined()
  expect(readNodeConfig(config({ rpc, explorer: { listen: { port: 7200 } } })).explorer).toEqual({
    listen: { host: '127.0.0.1', port: 7200 },
    tls: undefined,
    lockfile: undefined,
  })
  const explorer = { listen: { host: '0.0.0.0', port: 7200 }, tls: { cert: 'c.pem', key: 'k.pem' }, lockfile: 'protocols/colloquy.lock.json' }
  expect(readNodeConfig(config({ rpc, explorer })).explorer).toEqual({
    listen: { host: '0.0.0.0', port: 7200 },
    tls: { cert: join(dir, 'c.pem'), key: join(dir, 'k.pem') },
    lockfile: join(dir, 'protocols/colloquy.lock.json'),
  })
})

it('refuses a non-loopback address without TLS or allowInsecure, and an explorer without rpc', () => {
  expect(() => readNodeConfig(config({ rpc, explorer: { listen: { host: '0.0.0.0', port: 7200 } } }))).toThrow(
    /explorer\.listen\.host: 0\.0\.0\.0 is not a loopback address: set tls/,
  )
  expect(readNodeConfig(config({ rpc, explorer: { listen: { host: '0.0.0.0', port: 7200 }, allowInsecure: true } })).explorer?.listen.host).toBe('0.0.0.0')
  expect(() => readNodeConfig(config({ explorer: { listen: { port: 7200 } } }))).toThrow(
    'the node config has an explorer section but no rpc section; the Explorer reaches the node through its RPC endpoint, so add "rpc" with its users.',
  )
})

it('colloquy explorer needs a node to explore and refuses a non-loopback address without TLS', async () => {
  await expect(explorerCommand([])).rejects.toThrow('--node <ws://host:port> is required')
  await expect(explorerCommand(['--node', 'http://127.0.0.1:7100'])).rejects.toThrow(
    "--node http://127.0.0.1:7100: give the node's RPC endpoint as ws://host:port, or wss://host:port when its rpc section has tls.",
  )
  await expect(explorerCommand(['--node', 'ws://127.0.0.1:7100', '--listen', '0.0.0.0:7200'])).rejects.toThrow(/0\.0\.0\.0 is not a loopback address/)
})
