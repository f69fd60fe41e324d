/**
 * The Explorer server's guards, over plain HTTP against a real node: no data without a session, the node
 * judges the login, the session cookie is HttpOnly and SameSite=Strict, and a state-changing request needs
 * the session's CSRF token, JSON and the Explorer's own origin; a refused request does nothing; a bulk retry
 * acts only on previewed flows still hospitalized, with the user's permission; a flow's messages and their
 * payloads only for a user the node grants InvokeRpc.flowMessages.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { holdFlow, ledger, settleFlow } from './support/explorer-flows.js'
import { ExplorerCluster } from './support/explorer-cluster.js'

let cluster: ExplorerCluster
let base: string
const page = mkdtempSync(path.join(tmpdir(), 'colloquy-page-'))

beforeAll(async () => {
  writeFileSync(path.join(page, 'index.html'), '<!doctype html><title>Explorer</title>')
  cluster = await ExplorerCluster.start(page)
  base = cluster.explorer.url.replace(/\/$/, '')
})
afterAll(async () => {
  await cluster?.stop()
  rmSync(page, { recursive: true, force: true })
})

async function login(user: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
  })
  expect(response.status).toBe(200)
  const { csrf } = (await response.json()) as { csrf: string }
  return { cookie: response.headers.get('set-cookie')!.split(';')[0]!, csrf }
}

describe('the Explorer server', () => {
  it('answers nothing about flows without a session, and serves the page with a strict content security policy', async () => {
    const flows = await fetch(`${base}/api/flows`)
    expect(flows.status).toBe(401)
    expect(await flows.json()).toMatchObject({ error: { code: 'EXPLORER_SESSION' } })
    const index = await fetch(`${base}/`)
    expect(index.status).toBe(200)
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(index.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
  })

  it('lets the node judge the login and sets an HttpOnly, SameSite=Strict cookie', async () => {
    const wrong = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'admin', password: 'guess' }),
    })
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toMatchObject({ error: { code: 'RPC_AUTHENTICATION' } })
    expect(wrong.headers.get('set-cookie')).toBeNull()
    const right = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'admin', password: 'admin-pw' }),
    })
    expect(await right.json()).toMatchObject({ user: 'admin', node: 'Ops' })
    expect(right.headers.get('set-cookie')).toMatch(/^colloquy_explorer=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict$/)
  })

  it('refuses a state-changing request without the CSRF token, from another origin, or not JSON, and kills nothing', async () => {
    const handle = cluster.ops.startFlow(holdFlow, { peer: 'Desk' })
    await handle.started
    const { cookie, csrf } = await login('admin', 'admin-pw')
    const kill = (headers: Record<string, string>, body = '{}') =>
      fetch(`${base}/api/flows/${handle.flowId}/kill`, { method: 'POST', headers: { cookie, ...headers }, body })
    const noToken = await kill({ 'content-type': 'application/json' })
    expect(noToken.status).toBe(403)
    expect(await noToken.json()).toMatchObject({ error: { code: 'EXPLORER_CSRF' } })
    const foreign = await kill({ 'content-type': 'application/json', 'x-csrf-token': csrf, origin: 'https://evil.example' })
    expect(foreign.status).toBe(403)
    expect(await foreign.json()).toMatchObject({ error: { code: 'EXPLORER_ORIGIN' } })
    const form = await kill({ 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf }, 'a=1')
    expect(form.status).toBe(400)
    expect((await cluster.ops.flowStatus(handle.flowId))?.status).toBe('running')
    const allowed = await kill({ 'content-type': 'application/json', 'x-csrf-token': csrf, origin: base })
    expect(await allowed.json()).toEqual({ killed: true })
    await expect(handle.result).rejects.toThrow(/killed/)
  })

  it('passes the node’s refusal of a missing permission on, and ends a session at logout', async () => {
    const handle = cluster.ops.startFlow(holdFlow, { peer: 'Desk' })
    await handle.started
    const { cookie, csrf } = await login('viewer', 'viewer-pw')
    const headers = { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf }
    const signal = await fetch(`${base}/api/flows/${handle.flowId}/signal`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'release', payload: null }),
    })
    expect(signal.status).toBe(403)
    expect(await signal.json()).toMatchObject({ error: { code: 'RPC_PERMISSION', permission: 'InvokeRpc.signal' } })
    expect((await cluster.ops.flowStatus(handle.flowId))?.status).toBe('running')
    const listed = (await (await fetch(`${base}/api/flows?flowName=hold&state=waiting`, { headers: { cookie } })).json()) as { flows: { flowId: string }[] }
    expect(listed.flows.map((f) => f.flowId)).toContain(handle.flowId)
    expect((await fetch(`${base}/api/logout`, { method: 'POST', headers, body: '{}' })).status).toBe(204)
    expect((await fetch(`${base}/api/flows`, { headers: { cookie } })).status).toBe(401)
    await cluster.ops.killFlow(handle.flowId)
  })

  it('bulk-retries only the previewed flows still hospitalized, each under the user’s own permission', async () => {
    ledger.reachable = false
    const kept = cluster.ops.startFlow(settleFlow, { peer: 'Desk' })
    const held = cluster.ops.startFlow(holdFlow, { peer: 'Desk' })
    await Promise.all([kept.started, held.started])
    const hospitalized = async () => {
      for (;;) {
        const rows = (await cluster.ops.listFlows({ state: 'hospitalized' })).map((f) => f.flowId)
        if (rows.includes(kept.flowId)) return
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    await hospitalized()
    const retry = async (user: string, password: string) => {
      const { cookie, csrf } = await login(user, password)
      const headers = { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf }
      const body = JSON.stringify({ filter: { flowName: 'settle' }, flowIds: [kept.flowId, held.flowId] })
      const response = await fetch(`${base}/api/flows/retry`, { method: 'POST', headers, body })
      expect(response.status).toBe(200)
      return ((await response.json()) as { results: unknown[] }).results
    }
    const refused = await retry('viewer', 'viewer-pw')
    expect(refused[0]).toMatchObject({ flowId: kept.flowId, retried: false, error: { code: 'RPC_PERMISSION', permission: 'InvokeRpc.hospital.retry' } })
    expect((await cluster.ops.listFlows({ state: 'hospitalized' })).map((f) => f.flowId)).toContain(kept.flowId)
    ledger.reachable = true
    expect(await retry('admin', 'admin-pw')).toEqual([
      { flowId: kept.flowId, retried: true },
      { flowId: held.flowId, retried: false, skipped: 'no longer matches the filter or is no longer hospitalized' },
    ])
    await expect(kept.result).resolves.toBe('settled')
    expect((await cluster.ops.flowStatus(held.flowId))?.status).toBe('running')
    await cluster.ops.killFlow(held.flowId)
  })

  it("answers a flow's messages with their payloads under InvokeRpc.flowMessages: the node's 403 without it, 404 for an unknown flow", async () => {
    const handle = cluster.ops.startFlow(holdFlow, { peer: 'Desk' })
    await handle.started
    while ((await cluster.ops.flowStatus(handle.flowId))?.waitingFor?.kind !== 'event') await new Promise((resolve) => setTimeout(resolve, 20))
    const admin = await login('admin', 'admin-pw')
    const messages = await fetch(`${base}/api/flows/${handle.flowId}/messages`, { headers: { cookie: admin.cookie } })
    expect(messages.status).toBe(200)
    const history = (await messages.json()) as { finished: boolean; messages: { direction: string; kind: string; label?: string }[] }
    expect(history.finished).toBe(false)
    // One round, then `done` and the end of the session; the flow waits for `release` after it.
    expect(history.messages.map((m) => `${m.direction} ${m.label ?? m.kind}`)).toEqual(['sent next', 'sent ping', 'received echo', 'sent next', 'sent end'])
    expect(history.messages[2]).toMatchObject({ counterparty: 'Desk', protocol: 'Echo', version: 1, payload: { round: 0, text: 'ping 0' } })
    const unknown = await fetch(`${base}/api/flows/no-such-flow/messages`, { headers: { cookie: admin.cookie } })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ error: { code: 'FLOW_NOT_FOUND' } })

    const viewer = await login('viewer', 'viewer-pw')
    const refused = await fetch(`${base}/api/flows/${handle.flowId}/messages`, { headers: { cookie: viewer.cookie } })
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({ error: { code: 'RPC_PERMISSION', permission: 'InvokeRpc.flowMessages' } })
    await cluster.ops.killFlow(handle.flowId)
  })
})
