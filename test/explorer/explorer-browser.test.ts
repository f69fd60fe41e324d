/**
 * The Explorer in a real browser (Debian's chromium through playwright-core) against a real two-node
 * cluster: log in with the node's RPC users, watch a running flow's progress move, bulk-kill two flows
 * through the filter after a preview, bulk-retry two hospitalized flows the same way (and see a flow's
 * admission on its page), approve an awaited event with the form generated from its schema, fill a form
 * with a nested object and choices (a missing required field shown, and nothing sent, before it is filled),
 * open a flow's messages drawn from the node's history and view a payload (a sent one too, the node keeping
 * sent payloads; explorer-not-kept.test.ts has a node that does not), and see an action (and the
 * payloads) refused to a user without its permission. Screenshots of each screen go to
 * .tmp/explorer-screenshots/.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { approvalFlow, holdFlow, ledger, reviewFlow, roundsFlow, settleFlow } from './support/explorer-flows.js'
import { launchChromium, logIn, operatorPage, screenshot } from './support/browser.js'
import { ensureExplorerBuilt } from '../../scripts/lib/explorer-page.js'
import { ExplorerCluster } from './support/explorer-cluster.js'

let cluster: ExplorerCluster
let browser: Browser
let admin: Page
let base: string

beforeAll(async () => {
  await ensureExplorerBuilt()
  cluster = await ExplorerCluster.start()
  base = cluster.explorer.url
  browser = await launchChromium()
  admin = await operatorPage(browser)
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await cluster?.stop()
})

/** Runs before the page's own scripts: keeps each Content-Security-Policy refusal in window.cspViolations. */
const cspRecorder = `window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`

const row = (page: Page, flowId: string) => page.locator(`tr[data-flow-id="${flowId}"]`)

describe('the Explorer in a browser', () => {
  it('logs in with a user of the node, refusing a wrong password with the node’s words', async () => {
    await admin.goto(base)
    await admin.getByLabel('User').fill('admin')
    await admin.getByLabel('Password').fill('not-it')
    await admin.getByRole('button', { name: 'Log in' }).click()
    const refusal = await admin.getByRole('alert').textContent()
    expect(refusal).toContain("The node refused the login of 'admin': unknown user or wrong password.")
    await screenshot(admin, 'login')
    await logIn(admin, base, 'admin')
    expect(await admin.locator('header .node').textContent()).toBe('node Ops')
    // The session cookie is HttpOnly and SameSite=Strict: scripts cannot read it, other sites cannot send it.
    const [cookie] = await admin.context().cookies()
    expect(cookie).toMatchObject({ name: 'colloquy_explorer', httpOnly: true, sameSite: 'Strict' })
    expect(await admin.evaluate('document.cookie')).toBe('')
  })

  it("shows a running flow's progress move, live, in the table and on the flow's page", async () => {
    const handle = cluster.ops.startFlow(roundsFlow, { peer: 'Desk', rounds: 4, pauseMs: 700 })
    await handle.started
    const progress = row(admin, handle.flowId).locator('td.progress')
    await progress.filter({ hasText: 'round 1' }).waitFor()
    await progress.filter({ hasText: 'round 2' }).waitFor()
    await screenshot(admin, 'flows')
    await row(admin, handle.flowId).getByRole('link').click()
    await admin.getByRole('heading', { name: /rounds/ }).waitFor()
    const current = admin.locator('.progress-tree li[aria-current="step"]')
    const seen = new Set<string>()
    while (!seen.has('settled')) {
      const text =
        (await current
          .first()
          .textContent({ timeout: 10_000 })
          .catch(() => null)) ?? ''
      if (text) seen.add(text)
      if ((await admin.locator('.progress-tree li.current').count()) === 0 && (await admin.locator('h2 .state').textContent()) !== 'running') break
      await admin.waitForTimeout(100)
    }
    expect([...seen].filter((s) => s.startsWith('round')).length).toBeGreaterThanOrEqual(2)
    await expect(handle.result).resolves.toBe(4)
    // The run as a sequence diagram: Ops pinged Desk, Desk echoed.
    await admin.locator('figure.diagram svg').waitFor()
    const diagram = await admin.locator('figure.diagram').textContent()
    expect(diagram).toContain('Desk')
    expect(diagram).toContain('ping (Echo v1)')
    expect(diagram).toContain('echo (Echo v1)')
    await admin.locator('h2 .state.done').waitFor()
    await screenshot(admin, 'flow')
  })

  it("draws a flow's messages from the node's history and shows a payload chosen from the list", async () => {
    const handle = cluster.ops.startFlow(holdFlow, { peer: 'Desk' })
    await handle.started
    await admin.goto(`${base}#/flows/${handle.flowId}`)
    await admin.locator('.waiting').filter({ hasText: "event 'release'" }).waitFor()
    const run = admin.getByRole('region', { name: 'Run' })
    const list = run.getByRole('list', { name: 'Messages' })
    await list.locator('li').nth(4).waitFor()
    // One round and the end: numbered in the list as in the diagram, each with its step and protocol version
    // (and a choice's branch, which Ops keeps with its sent payloads).
    expect(await list.locator('li').allTextContents()).toEqual([
      'to Desk: next: ping (Echo v1)',
      'to Desk: ping (Echo v1)',
      'from Desk: echo (Echo v1)',
      'to Desk: next: done (Echo v1)',
      'to Desk: end (Echo v1)',
    ])
    await run.locator('figure.diagram svg').waitFor()
    const drawn = (await run.locator('figure.diagram').textContent()) ?? ''
    for (const text of ['Ops', 'Desk', 'ping (Echo v1)', 'echo (Echo v1)', 'end (Echo v1)']) expect(drawn).toContain(text)
    await list.getByRole('button', { name: 'from Desk: echo (Echo v1)' }).click()
    const message = run.getByRole('region', { name: 'Message' })
    expect(JSON.parse((await message.locator('pre.payload').textContent()) ?? '')).toEqual({ round: 0, text: 'ping 0' })
    expect(await message.locator('h4').textContent()).toBe('3. Received from Desk: echo (Echo v1)')
    // Ops keeps its sent payloads (keepSentPayloads): the ping Desk acknowledged long ago is shown, and the choices' branches.
    await expect.poll(async () => (await cluster.ops.tableCounts()).outbox).toBe(0)
    await list.getByRole('button', { name: 'to Desk: ping (Echo v1)' }).click()
    await message.locator('h4').filter({ hasText: '2. Sent to Desk: ping (Echo v1)' }).waitFor()
    expect(JSON.parse((await message.locator('pre.payload').textContent()) ?? '')).toEqual({ round: 0, text: 'ping 0' })
    await screenshot(admin, 'flow-messages')
    await list.getByRole('button', { name: 'to Desk: next: ping (Echo v1)' }).click()
    await message.filter({ hasText: 'Chose the branch ping.' }).waitFor()
    await cluster.ops.killFlow(handle.flowId)
    await expect(handle.result).rejects.toThrow(/killed/) // ended, so no later filter on 'hold' finds it waiting
  })

  it('bulk-kills the two flows the filter shows, after a preview and a confirmation', async () => {
    const held = [cluster.ops.startFlow(holdFlow, { peer: 'Desk' }), cluster.ops.startFlow(holdFlow, { peer: 'Desk' })]
    const other = cluster.ops.startFlow(approvalFlow, { peer: 'Desk', amount: 5 })
    await Promise.all([...held, other].map((h) => h.started))
    await admin.goto(`${base}#/flows`)
    await admin.getByLabel('Flow').fill('hold')
    await admin.getByLabel('State').selectOption('waiting')
    for (const h of held) await row(admin, h.flowId).waitFor()
    await row(admin, other.flowId).waitFor({ state: 'detached' })
    await expect.poll(() => admin.locator('tbody tr').count()).toBe(2)
    await admin.getByRole('button', { name: 'Kill matching…' }).click()
    const dialog = admin.getByRole('dialog', { name: 'Confirm kill' })
    await dialog.locator('li').nth(1).waitFor()
    expect((await dialog.locator('li').allTextContents()).sort()).toEqual(held.map((h) => `${h.flowId} hold`).sort())
    await screenshot(admin, 'bulk-kill-preview')
    await dialog.getByRole('button', { name: 'Kill 2 flows' }).click()
    const results = admin.getByRole('list', { name: 'Kill results' })
    await results.waitFor()
    expect((await results.locator('li').allTextContents()).sort()).toEqual(held.map((h) => `${h.flowId}: killed`).sort())
    for (const h of held) await expect(h.result).rejects.toThrow(/killed/)
    expect((await cluster.ops.flowStatus(other.flowId))?.status).toBe('running')
    await cluster.ops.killFlow(other.flowId)
  })

  it('approves an awaited event with the form generated from its schema', async () => {
    const handle = cluster.ops.startFlow(approvalFlow, { peer: 'Desk', amount: 100 })
    await handle.started
    await admin.goto(`${base}#/flows/${handle.flowId}`)
    await admin.locator('.waiting').filter({ hasText: "event 'approve'" }).waitFor()
    await screenshot(admin, 'flow-awaiting-approval')
    await admin.getByRole('button', { name: 'Approve' }).click()
    await admin.locator('.notice').filter({ hasText: "Event 'approve': delivered." }).waitFor()
    await expect(handle.result).resolves.toBe('booked 100')
  })

  it('fills a form with a nested object and choices, showing a missing required field before sending', async () => {
    // The form library must work under the page's Content-Security-Policy: the page records every refusal.
    const page = await operatorPage(browser)
    await page.addInitScript({ content: cspRecorder })
    await logIn(page, base, 'admin')
    const handle = cluster.ops.startFlow(reviewFlow, { peer: 'Desk' })
    await handle.started
    await page.goto(`${base}#/flows/${handle.flowId}`)
    await page.locator('.waiting').filter({ hasText: "event 'review'" }).waitFor()
    const form = page.locator('form.schema-form')
    const decision = form.getByLabel('decision')
    await decision.waitFor()
    expect(await decision.locator('option').allTextContents()).toEqual(['approve', 'reject', 'escalate'])
    await decision.selectOption('escalate')
    await form.getByLabel('team').selectOption('risk')
    await form.getByRole('button', { name: 'Review' }).click()
    // The message stands at the field it is about, and nothing was sent.
    await form.locator('[data-schemapath="review.reviewer.name"]').getByRole('alert').filter({ hasText: 'Value required' }).waitFor()
    await screenshot(page, 'flow-form-invalid')
    expect(await form.getByRole('alert').filter({ visible: true }).count()).toBe(1)
    expect((await cluster.ops.flowStatus(handle.flowId))?.status).toBe('running')
    expect(await page.locator('.notice').count()).toBe(0)
    await form.getByLabel('name').fill('Ana')
    await form.getByRole('button', { name: 'Review' }).click()
    await page.locator('.notice').filter({ hasText: "Event 'review': delivered." }).waitFor()
    await expect(handle.result).resolves.toBe('escalate by Ana (risk)')
    expect(await page.evaluate('window.cspViolations')).toEqual([])
    await page.context().close()
  })

  it('opens a hospitalized flow on the Hospital screen and retries it until it completes', async () => {
    ledger.reachable = false
    const handle = cluster.ops.startFlow(settleFlow, { peer: 'Desk' })
    await handle.started
    await admin.goto(`${base}#/hospital`)
    const patient = admin.locator(`tr[data-flow-id="${handle.flowId}"]`)
    await patient.waitFor()
    expect(await patient.textContent()).toContain('HOSPITALIZE_FLOW: The ledger is not reachable; retry once it is back.')
    await screenshot(admin, 'hospital')
    ledger.reachable = true
    await patient.getByRole('button', { name: 'Retry' }).click()
    await admin.locator('.notice').filter({ hasText: 'Retried.' }).waitFor()
    await expect(handle.result).resolves.toBe('settled')
    await patient.waitFor({ state: 'detached' })
  })

  it('filters hospitalized flows, bulk-retries two through the filter after a preview, and shows a flow’s admission', async () => {
    ledger.reachable = false
    const kept = [cluster.ops.startFlow(settleFlow, { peer: 'Desk' }), cluster.ops.startFlow(settleFlow, { peer: 'Desk' })]
    const other = cluster.ops.startFlow(holdFlow, { peer: 'Desk' })
    await Promise.all([...kept, other].map((h) => h.started))
    await admin.goto(`${base}#/flows/${kept[0]!.flowId}`)
    const admissions = admin.getByRole('region', { name: 'Hospital admissions' })
    await admissions.locator('tr.admission').filter({ hasText: 'HOSPITALIZE_FLOW: The ledger is not reachable; retry once it is back.' }).waitFor()
    await admissions.getByRole('button', { name: 'Retry flow' }).waitFor()
    await screenshot(admin, 'flow-hospitalized')
    await admin.goto(`${base}#/flows`)
    await admin.getByLabel('State').selectOption('hospitalized')
    for (const h of kept) await row(admin, h.flowId).locator('td.state.hospitalized').waitFor()
    await row(admin, other.flowId).waitFor({ state: 'detached' })
    await expect.poll(() => admin.locator('tbody tr').count()).toBe(2)
    await admin.getByRole('button', { name: 'Retry matching…' }).click()
    const dialog = admin.getByRole('dialog', { name: 'Confirm retry' })
    await dialog.locator('li').nth(1).waitFor()
    expect((await dialog.locator('li').allTextContents()).sort()).toEqual(kept.map((h) => `${h.flowId} settle`).sort())
    await screenshot(admin, 'bulk-retry-preview')
    ledger.reachable = true
    await dialog.getByRole('button', { name: 'Retry 2 flows' }).click()
    const results = admin.getByRole('list', { name: 'Retry results' })
    await results.waitFor()
    expect((await results.locator('li').allTextContents()).sort()).toEqual(kept.map((h) => `${h.flowId}: retried`).sort())
    for (const h of kept) await expect(h.result).resolves.toBe('settled')
    expect((await cluster.ops.flowStatus(other.flowId))?.status).toBe('running')
    await cluster.ops.killFlow(other.flowId)
  })

  it('refuses an action to a user without its permission, in the node’s words, and does nothing', async () => {
    const handle = cluster.ops.startFlow(holdFlow, { peer: 'Desk' })
    await handle.started
    const viewer = await operatorPage(browser)
    await logIn(viewer, base, 'viewer')
    await viewer.goto(`${base}#/flows/${handle.flowId}`)
    await viewer.locator('.waiting').filter({ hasText: "event 'release'" }).waitFor()
    // The payloads are not the viewer's to see: a note, and the rest of the page as for anyone.
    const note = await viewer.getByRole('note').textContent()
    expect(note).toContain('Not permitted to view this flow’s messages and their payloads (InvokeRpc.flowMessages is not granted to you)')
    expect(await viewer.getByRole('list', { name: 'Messages' }).count()).toBe(0)
    viewer.once('dialog', (d) => void d.accept())
    await viewer.getByRole('button', { name: 'Kill flow' }).click()
    const refusal = await viewer.getByRole('alert').textContent()
    expect(refusal).toContain('InvokeRpc.killFlow')
    await screenshot(viewer, 'refused')
    expect((await cluster.ops.flowStatus(handle.flowId))?.status).toBe('running')
    await cluster.ops.killFlow(handle.flowId)
  })

  it('shows the protocols the node declares with their diagrams, and its peers with connection and outbox', async () => {
    await admin.goto(`${base}#/protocols`)
    const echo = admin.getByRole('article', { name: 'Echo v1' })
    await echo.locator('svg').waitFor()
    expect(await echo.locator('h3').textContent()).toBe('Echo v1 locked')
    expect(await echo.textContent()).toContain('sha256:4bb6f22a3aff4e4446e74d7d4017d72a72aecc8a8a64a3516553737708737656')
    // Drawn from the state table: the choice with both branches, the messages, the loop back.
    const drawn = (await echo.locator('svg').textContent()) ?? ''
    for (const text of ['[Caller chooses next =ping]', '[Caller chooses next =done]', 'next: ping', 'echo', 'back to next']) expect(drawn).toContain(text)
    expect(await admin.getByRole('table', { name: 'Versions seen with peers' }).locator('tbody tr').first().textContent()).toMatch(/^DeskEchov1/)
    await screenshot(admin, 'protocols')

    await admin.goto(`${base}#/peers`)
    const desk = admin.locator('tr[data-party="Desk"]')
    await desk.locator('td.peer-state.connected').waitFor()
    await cluster.stopDesk()
    const stuck = cluster.ops.startFlow(roundsFlow, { peer: 'Desk', rounds: 1, pauseMs: 0 })
    await stuck.started
    await desk.locator('td.peer-state.down').waitFor()
    await desk
      .locator('td.outbox')
      .filter({ hasText: /^[1-9]/ })
      .waitFor()
    await admin.locator('figure.diagram svg').waitFor()
    await screenshot(admin, 'peers')
    await cluster.ops.killFlow(stuck.flowId)
  })
})
