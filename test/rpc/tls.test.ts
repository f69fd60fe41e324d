/**
 * TLS on the RPC endpoint: with a certificate and key in the config the endpoint speaks wss://; a client
 * that trusts the certificate logs in, one that does not is refused at the TLS handshake. A client given the
 * endpoint's own certificate (`certificate`, as the node's own Explorer is) accepts it whatever host names it
 * carries, and refuses any other certificate, even one its trusted roots vouch for.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNode } from '../../runtime/create-node.js'
import type { Node } from '../../runtime/engine/index.js'
import { InMemoryNetwork } from '../../runtime/network/index.js'
import { InvalidOptionError } from '../../runtime/protocol/errors/invalid-option-error.js'
import { connect } from '../../runtime/rpc/client/connect.js'
import { hashPassword } from '../../runtime/rpc/password-hash.js'
import { RpcConnectionError } from '../../runtime/rpc/rpc-errors.js'
import { RpcServer } from '../../runtime/rpc/rpc-server.js'
import { rpcFlows } from './support/rpc-flows.js'

const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-rpc-tls-'))
const silent = { info() {}, warn() {}, error() {} }
let node: Node
let users: { name: string; passwordHash: string; permissions: string[] }[]

beforeAll(async () => {
  node = await createNode({ name: 'Secure', store: path.join(dir, 'secure.db'), network: new InMemoryNetwork(), flows: rpcFlows, logger: silent })
  users = [{ name: 'ops', passwordHash: await hashPassword('pw'), permissions: ['ALL'] }]
})
afterAll(async () => {
  await node.stop()
  rmSync(dir, { recursive: true, force: true })
})

const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' })
const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']

/** A self-signed certificate and its key, named `name`, for `altNames` (e.g. IP:127.0.0.1). */
function selfSigned(name: string, altNames: string): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.pem`)
  const key = path.join(dir, `${name}.key`)
  openssl('req', '-x509', ...ec, '-days', '1', '-subj', `/CN=${name}`, '-addext', `subjectAltName=${altNames}`, '-keyout', key, '-out', cert)
  return { cert, key }
}

/** A certificate for `name` issued by `ca`; its file holds the chain (it, then the CA's certificate). */
function issued(name: string, ca: { cert: string; key: string }): { cert: string; key: string } {
  const csr = path.join(dir, `${name}.csr`)
  const key = path.join(dir, `${name}.key`)
  const leaf = path.join(dir, `${name}.leaf.pem`)
  const extensions = path.join(dir, `${name}.ext`)
  writeFileSync(extensions, `subjectAltName=DNS:${name}\n`)
  openssl('req', ...ec, '-subj', `/CN=${name}`, '-keyout', key, '-out', csr)
  openssl('x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', String(Date.now()), '-days', '1', '-extfile', extensions, '-out', leaf)
  const cert = path.join(dir, `${name}.chain.pem`)
  writeFileSync(cert, readFileSync(leaf, 'utf8') + readFileSync(ca.cert, 'utf8'))
  return { cert, key }
}

async function serving<T>(tls: { cert: string; key: string }, use: (server: RpcServer) => Promise<T>): Promise<T> {
  const server = await RpcServer.start({ node, listen: { host: '127.0.0.1', port: 0 }, users, tls, logger: silent })
  try {
    return await use(server)
  } finally {
    await server.close()
  }
}

describe('RPC over TLS', () => {
  it('serves wss:// with the configured certificate; a client must trust it', async () => {
    const { cert, key } = selfSigned('127.0.0.1', 'IP:127.0.0.1')
    await serving({ cert, key }, async (server) => {
      expect(server.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/)
      const client = await connect({ url: server.url, user: 'ops', password: 'pw', ca: readFileSync(cert) })
      expect(await (await client.startFlow('echo', { text: 'sealed' })).result).toBe('sealed')
      client.close()
      const untrusting = await connect({ url: server.url, user: 'ops', password: 'pw' }).catch((e: unknown) => e)
      expect(untrusting).toBeInstanceOf(RpcConnectionError)
      expect((untrusting as Error).message).toContain('self-signed certificate')
    })
  })

  it('accepts the endpoint’s own certificate over loopback whatever names it carries, where `ca` checks the host', async () => {
    const { cert, key } = selfSigned('localhost', 'DNS:localhost')
    await serving({ cert, key }, async (server) => {
      const byHost = await connect({ url: server.url, user: 'ops', password: 'pw', ca: readFileSync(cert) }).catch((e: unknown) => e)
      expect(byHost).toBeInstanceOf(RpcConnectionError)
      expect((byHost as Error).message).toContain("Hostname/IP does not match certificate's altnames")
      const own = await connect({ url: server.url, user: 'ops', password: 'pw', certificate: readFileSync(cert) })
      expect(await (await own.startFlow('echo', { text: 'own' })).result).toBe('own')
      own.close()
    })
  })

  it('refuses another certificate than the one given, even one issued by the same trusted root', async () => {
    const root = selfSigned('Colloquy Test Root', 'DNS:root.invalid')
    const ops = issued('ops.invalid', root)
    const other = issued('other.invalid', root)
    // The chain file's root is trusted: the endpoint's own certificate passes.
    await serving(ops, async (server) => {
      const own = await connect({ url: server.url, user: 'ops', password: 'pw', certificate: readFileSync(ops.cert) })
      own.close()
    })
    await serving(other, async (server) => {
      const refused = await connect({ url: server.url, user: 'ops', password: 'pw', certificate: readFileSync(ops.cert) }).catch((e: unknown) => e)
      expect(refused).toBeInstanceOf(RpcConnectionError)
      expect((refused as Error).message).toMatch(/presented a certificate \(SHA-256 [0-9A-F:]+\) other than the one given/)
    })
  })

  it('refuses a certificate option that is not a PEM certificate', async () => {
    const wrong = await connect({ url: 'wss://127.0.0.1:1', user: 'ops', password: 'pw', certificate: 'not a certificate' }).catch((e: unknown) => e)
    expect(wrong).toBeInstanceOf(InvalidOptionError)
    expect((wrong as Error).message).toContain('The certificate given for wss://127.0.0.1:1 is not a PEM certificate')
  })
})
