/**
 * The Explorer in a browser on a flow running sub-flows (`signing` › `collect-signatures` › `countersign`,
 * each pinging Desk once): the flow's page shows its sub-flow tree, a link focuses the page on a sub-flow
 * (its waits, its sessions and its messages only), a nested one too, and the breadcrumb leads back up to
 * the enclosing sub-flow and to the flow.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ensureExplorerBuilt } from '../../scripts/lib/explorer-page.js'
import { launchChromium, logIn, operatorPage, screenshot } from './support/browser.js'
import { ExplorerCluster } from './support/explorer-cluster.js'
import { signingFlow } from './support/explorer-flows.js'

let cluster: ExplorerCluster
let browser: Browser

beforeAll(async () => {
  await ensureExplorerBuilt()
  cluster = await ExplorerCluster.start()
  browser = await launchChromium()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await cluster?.stop()
})

const oneRound = [
  'to Desk: next: ping (Echo v1)',
  'to Desk: ping (Echo v1)',
  'from Desk: echo (Echo v1)',
  'to Desk: next: done (Echo v1)',
  'to Desk: end (Echo v1)',
]

const messages = (page: Page) => page.getByRole('region', { name: 'Run' }).getByRole('list', { name: 'Messages' }).locator('li')

it("links a flow's sub-flows, focuses the page on one, and leads back through the breadcrumb", async () => {
  const page = await operatorPage(browser)
  const handle = cluster.ops.startFlow(signingFlow, { peer: 'Desk' })
  await expect.poll(async () => (await cluster.ops.flowStatus(handle.flowId))?.waitingFor?.kind).toBe('event')
  await logIn(page, cluster.explorer.url, 'admin')
  await page.goto(`${cluster.explorer.url}#/flows/${handle.flowId}`)

  // The whole flow: every message, the tree of its sub-flows with what each holds.
  const tree = page.getByRole('navigation', { name: 'Sub-flows' })
  await tree.getByRole('link', { name: 'countersign' }).waitFor()
  expect(await tree.locator('li').allTextContents()).toEqual([
    'collect-signatures 10 messages, waitingcountersign 5 messages, waiting',
    'countersign 5 messages, waiting',
  ])
  await expect.poll(async () => (await messages(page).allTextContents()).length).toBe(15)
  expect(await page.locator('.waiting').textContent()).toContain("event 'sign' in sub-flow collect-signatures > countersign")
  await screenshot(page, 'flow-sub-flows')

  // Focused on collect-signatures: its own round and its nested sub-flow's, numbered among themselves.
  await tree.getByRole('link', { name: 'collect-signatures' }).click()
  await page.getByRole('heading', { name: /^Sub-flow collect-signatures in signing/ }).waitFor()
  expect(page.url()).toBe(`${cluster.explorer.url}#/flows/${handle.flowId}/sub/collect-signatures`)
  expect(await tree.getByRole('link', { name: 'collect-signatures' }).getAttribute('aria-current')).toBe('page')
  await expect.poll(async () => messages(page).allTextContents()).toEqual([...oneRound, ...oneRound])
  const run = page.getByRole('region', { name: 'Run' })
  expect(await run.textContent()).toContain('The messages of sub-flow collect-signatures: 10 of the flow’s 15.')
  const sessions = page.getByRole('table', { name: 'Sessions of the sub-flow' }).locator('tbody tr')
  expect(await sessions.locator('td:last-child').allTextContents()).toEqual(['collect-signatures', 'collect-signatures › countersign'])

  // Nested: countersign, where the flow waits; the breadcrumb names the flow and the enclosing sub-flow.
  await tree.getByRole('link', { name: 'countersign' }).click()
  await page.getByRole('heading', { name: /^Sub-flow countersign in signing/ }).waitFor()
  expect(page.url()).toBe(`${cluster.explorer.url}#/flows/${handle.flowId}/sub/collect-signatures/countersign`)
  await expect.poll(async () => messages(page).allTextContents()).toEqual(oneRound)
  expect(await page.locator('.waiting').textContent()).toContain("event 'sign'")
  await run.getByRole('list', { name: 'Messages' }).getByRole('button', { name: 'from Desk: echo (Echo v1)' }).click()
  const message = run.getByRole('region', { name: 'Message' })
  expect(await message.locator('h4').textContent()).toBe('3. Received from Desk: echo (Echo v1)')
  expect(await message.textContent()).toContain('in sub-flow collect-signatures › countersign')
  const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' })
  expect(await crumbs.textContent()).toBe(`← Flows › signing ${handle.flowId} › collect-signatures › countersign`)
  await screenshot(page, 'flow-sub-flow-focused')

  // Back up: to the enclosing sub-flow, then to the flow with all its messages.
  await crumbs.getByRole('link', { name: 'collect-signatures' }).click()
  await page.getByRole('heading', { name: /^Sub-flow collect-signatures/ }).waitFor()
  await expect.poll(async () => (await messages(page).allTextContents()).length).toBe(10)
  await crumbs.getByRole('link', { name: `signing ${handle.flowId}` }).click()
  await page.getByRole('heading', { name: new RegExp(`^signing ${handle.flowId}`) }).waitFor()
  expect(page.url()).toBe(`${cluster.explorer.url}#/flows/${handle.flowId}`)
  await expect.poll(async () => (await messages(page).allTextContents()).length).toBe(15)
  expect(await crumbs.getByRole('link').allTextContents()).toEqual(['← Flows'])
  expect(await page.getByRole('table', { name: 'Sessions of the sub-flow' }).count()).toBe(0)
  await cluster.ops.killFlow(handle.flowId)
})
