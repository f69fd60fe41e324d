/**
 * A `colloquy node` process with an `explorer` section serves the Explorer: its `ready` event names the
 * address, the page loads, an RPC user logs in and lists the node's flows through it, and the Explorer stops
 * with the node. With TLS on the RPC endpoint (a self-signed certificate naming `localhost`, the endpoint on
 * 127.0.0.1) the Explorer reaches its own endpoint trusting that certificate, whatever host names it carries,
 * and so does `colloquy explorer --node wss://... --certificate <file>` serving it for that node from outside.
 */
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { hashPassword } from '../../runtime/rpc/password-hash.js'
import { ensureExplorerBuilt } from '../../scripts/lib/explorer-page.js'
import { freePort, ProcessCluster } from '../../scripts/lib/process-cluster.js'

const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-xproc-explorer-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
beforeAll(() => ensureExplorerBuilt(), 600_000)

it('serves the Explorer from node.json, logs an RPC user in through it, and stops with the node', async () => {
  const [rpcPort, explorerPort] = [await freePort(), await freePort()]
  const rpc = { listen: `127.0.0.1:${rpcPort}`, users: [{ name: 'ops', passwordHash: await hashPassword('ops-secret'), permissions: ['ALL'] }] }
  const explorer = { listen: { port: explorerPort } }
  const cluster = await ProcessCluster.create(dir, [{ name: 'Ops', app: 'test/xproc/apps/rpc-app.ts', settings: { rpc, explorer } }])
  const base = `http://127.0.0.1:${explorerPort}`
  try {
    const ready = await cluster.start('Ops')
    expect(ready.events.find((e) => e.event === 'ready')).toMatchObject({ rpc: `ws://127.0.0.1:${rpcPort}`, explorer: `${base}/` })
    const page = await fetch(`${base}/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="app"></div>')
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ops', password: 'ops-secret' }),
    })
    expect(await login.json()).toMatchObject({ user: 'ops', node: 'Ops' })
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    expect(await (await fetch(`${base}/api/flows`, { headers: { cookie } })).json()).toEqual({ flows: [] })
  } finally {
    await cluster.stopAll()
  }
  await expect(fetch(`${base}/`)).rejects.toThrow()
})

it('logs in through the Explorer when the node’s RPC endpoint speaks wss:// with its own certificate', async () => {
  const [rpcPort, explorerPort] = [await freePort(), await freePort()]
  const cert = path.join(dir, 'rpc-cert.pem')
  const key = path.join(dir, 'rpc-key.pem')
  // The usual self-signed certificate for a machine: it names localhost, not the 127.0.0.1 the Explorer dials.
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
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'pipe' },
  )
  const rpc = {
    listen: `127.0.0.1:${rpcPort}`,
    tls: { cert, key },
    users: [{ name: 'ops', passwordHash: await hashPassword('ops-secret'), permissions: ['ALL'] }],
  }
  const explorer = { listen: { port: explorerPort } }
  const cluster = await ProcessCluster.create(path.join(dir, 'tls'), [{ name: 'Ops', app: 'test/xproc/apps/rpc-app.ts', settings: { rpc, explorer } }])
  const base = `http://127.0.0.1:${explorerPort}`
  try {
    const ready = await cluster.start('Ops')
    expect(ready.events.find((e) => e.event === 'ready')).toMatchObject({ rpc: `wss://127.0.0.1:${rpcPort}`, explorer: `${base}/` })
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ops', password: 'ops-secret' }),
    })
    expect(await login.json()).toMatchObject({ user: 'ops', node: 'Ops' })
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    expect(await (await fetch(`${base}/api/flows`, { headers: { cookie } })).json()).toEqual({ flows: [] })
    // The same endpoint explored from outside the node process, given the endpoint's certificate.
    const remotePort = await freePort()
    const args = ['bin/colloquy.js', 'explorer', '--node', `wss://127.0.0.1:${rpcPort}`, '--certificate', cert, '--listen', `127.0.0.1:${remotePort}`]
    const remote = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      let said = ''
      remote.stdout.on('data', (chunk) => (said += chunk))
      remote.stderr.on('data', (chunk) => (said += chunk))
      for (const deadline = Date.now() + 30_000; !said.includes('Explorer for'); await new Promise((r) => setTimeout(r, 50)))
        if (Date.now() > deadline || remote.exitCode !== null) throw new Error(`colloquy explorer did not start: ${said}`)
      const remoteLogin = await fetch(`http://127.0.0.1:${remotePort}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'ops', password: 'ops-secret' }),
      })
      expect(await remoteLogin.json()).toMatchObject({ user: 'ops', node: 'Ops' })
    } finally {
      if (remote.exitCode === null && remote.signalCode === null) {
        const exited = once(remote, 'exit')
        remote.kill('SIGTERM')
        await exited
      }
    }
  } finally {
    await cluster.stopAll()
  }
})
