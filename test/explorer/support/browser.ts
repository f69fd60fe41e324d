/**
 * Debian's chromium driven by playwright-core, headless (.ci/chromium.sh installs it when missing). Each
 * launch runs in a fresh temporary user data directory Playwright creates and removes; each operator gets a
 * browser context of its own (own cookies). Screenshots go to .tmp/explorer-screenshots/.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, type Page, chromium } from 'playwright-core'

export const CHROMIUM = process.env.COLLOQUY_CHROMIUM ?? '/usr/bin/chromium'
export const screenshotDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../.tmp/explorer-screenshots')

const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export async function launchChromium(): Promise<Browser> {
  mkdirSync(screenshotDir, { recursive: true })
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: flags })
}

/** A page in a context of its own (another operator, with its own cookies). */
export async function operatorPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  return context.newPage()
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true })
}

/** Logs in through the form and waits for the Flows screen. */
export async function logIn(page: Page, base: string, user: string): Promise<void> {
  await page.goto(base)
  await page.getByLabel('User').fill(user)
  await page.getByLabel('Password').fill(`${user}-pw`)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('heading', { name: /^Flows/ }).waitFor()
}
