/**
 * The Explorer in a real browser against a cluster whose Ops does not keep its sent payloads (the default):
 * a sent message the peer acknowledged shows the note that its payload is not kept, and how to keep it.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ensureExplorerBuilt } from '../../scripts/lib/explorer-page.js'
import { launchChromium, logIn, operatorPage } from './support/browser.js'
import { ExplorerCluster } from './support/explorer-cluster.js'
import { holdFlow } from './support/explorer-flows.js'

let cluster: ExplorerCluster
let browser: Browser

beforeAll(async () => {
  await ensureExplorerBuilt()
  cluster = await ExplorerCluster.start(undefined, { keepSentPayloads: false })
  browser = await launchChromium()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await cluster?.stop()
})

it('says a sent payload the peer acknowledged is not kept, and how to keep it', async () => {
  const page = await operatorPage(browser)
  const handle = cluster.ops.startFlow(holdFlow, { peer: 'Desk' })
  // Acknowledged: the ping left the outbox, and with it the only copy of its payload.
  await expect.poll(async () => (await cluster.ops.flowStatus(handle.flowId))?.waitingFor?.kind).toBe('event')
  await expect.poll(async () => (await cluster.ops.tableCounts()).outbox).toBe(0)
  await logIn(page, cluster.explorer.url, 'admin')
  await page.goto(`${cluster.explorer.url}#/flows/${handle.flowId}`)
  await page.locator('.waiting').filter({ hasText: "event 'release'" }).waitFor()
  const run = page.getByRole('region', { name: 'Run' })
  await run.getByRole('list', { name: 'Messages' }).getByRole('button', { name: 'to Desk: ping (Echo v1)' }).click()
  const note = run.getByRole('region', { name: 'Message' }).filter({ hasText: 'Payload not kept' })
  await note.waitFor()
  expect(await note.textContent()).toContain('"keepSentPayloads": true')
  await run.getByRole('list', { name: 'Messages' }).getByRole('button', { name: 'to Desk: next (Echo v1)' }).first().click()
  await run.getByRole('region', { name: 'Message' }).filter({ hasText: 'which branch is not kept' }).waitFor()
  await cluster.ops.killFlow(handle.flowId)
})
