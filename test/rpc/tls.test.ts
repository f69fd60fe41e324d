/**
 * TLS on the RPC endpoint: with a certificate and key in the config the endpoint speaks wss://; a client
 * that trusts the certificate logs in, one that does not is refused at the TLS handshake.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createNode } from '../../runtime/create-node.js'
import { InMemoryNetwork } from '../../runtime/network/index.js'
import { connect } from '../../runtime/rpc/client/connect.js'
import { hashPassword } from '../../runtime/rpc/password-hash.js'
import { RpcConnectionError } from '../../runtime/rpc/rpc-errors.js'
import { RpcServer } from '../../runtime/rpc/rpc-server.js'
import { rpcFlows } from './support/rpc-flows.js'

const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-rpc-tls-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('RPC over TLS', () => {
  it('serves wss:// with the configured certificate; a client must trust it', async () => {
    const cert = path.join(dir, 'cert.pem')
    const key = path.join(dir, 'key.pem')
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'pipe' },
    )
    const silent = { info() {}, warn() {}, error() {} }
    const node = await createNode({ name: 'Secure', store: path.join(dir, 'secure.db'), network: new InMemoryNetwork(), flows: rpcFlows, logger: silent })
    const users = [{ name: 'ops', passwordHash: await hashPassword('pw'), permissions: ['ALL'] }]
    const server = await RpcServer.start({ node, listen: { host: '127.0.0.1', port: 0 }, users, tls: { cert, key }, logger: silent })
    try {
      expect(server.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/)
      const client = await connect({ url: server.url, user: 'ops', password: 'pw', ca: readFileSync(cert) })
      expect(await (await client.startFlow('echo', { text: 'sealed' })).result).toBe('sealed')
      client.close()
      const untrusting = await connect({ url: server.url, user: 'ops', password: 'pw' }).catch((e: unknown) => e)
      expect(untrusting).toBeInstanceOf(RpcConnectionError)
      expect((untrusting as Error).message).toContain('self-signed certificate')
    } finally {
      await server.close()
      await node.stop()
    }
  })
})
