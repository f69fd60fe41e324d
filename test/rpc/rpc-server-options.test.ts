/**
 * RpcServer.start for a node made in the caller's own process: a listen address that is not { host, port } is
 * refused with a sentence saying the shape, and without a logger the endpoint logs to standard error.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createNode } from '../../runtime/create-node.js'
import { InMemoryNetwork } from '../../runtime/network/index.js'
import { InvalidOptionError } from '../../runtime/protocol/errors/invalid-option-error.js'
import { connect } from '../../runtime/rpc/client/connect.js'
import { hashPassword } from '../../runtime/rpc/password-hash.js'
import { RpcServer, type RpcServerOptions } from '../../runtime/rpc/rpc-server.js'

const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-rpc-options-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const silent = { info() {}, warn() {}, error() {} }

describe('RpcServer.start options', () => {
  it('refuses a listen address given as a string, saying the shape it takes', async () => {
    const node = await createNode({ name: 'Solo', store: path.join(dir, 'a.db'), network: new InMemoryNetwork(), logger: silent })
    try {
      const options = { node, listen: '127.0.0.1:0', users: [] } as unknown as RpcServerOptions
      const refused = await RpcServer.start(options).catch((error: unknown) => error)
      expect(refused).toBeInstanceOf(InvalidOptionError)
      expect((refused as Error).message).toBe(
        `RpcServer.start needs listen as { host, port }, e.g. { host: '127.0.0.1', port: 7100 } (port 0 lets the system choose), not "127.0.0.1:0".`,
      )
    } finally {
      await node.stop()
    }
  })

  it('logs to standard error when given no logger: a refused login does not throw inside the endpoint', async () => {
    const node = await createNode({ name: 'Solo', store: path.join(dir, 'b.db'), network: new InMemoryNetwork(), logger: silent })
    const server = await RpcServer.start({
      node,
      listen: { host: '127.0.0.1', port: 0 },
      users: [{ name: 'ops', passwordHash: await hashPassword('pw'), permissions: ['ALL'] }],
    })
    const errors: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => void errors.push(args)
    try {
      expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/)
      await expect(connect({ url: server.url, user: 'ops', password: 'wrong', reconnectTimeoutMs: 0 })).rejects.toMatchObject({ code: 'RPC_AUTHENTICATION' })
      const client = await connect({ url: server.url, user: 'ops', password: 'pw' })
      expect(await client.flowNames()).toEqual([])
      await client.close()
    } finally {
      console.error = original
      await server.close()
      await node.stop()
    }
  })
})
