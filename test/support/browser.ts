// Debian's Chromium driven by playwright-core for the console's browser tests and the bench; every check
// saves a screenshot under test-output/screenshots (git-ignored) so a person can look at what was tested.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { onTestFailed } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
export const SCREENSHOTS = join(ROOT, 'test-output/screenshots')

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // the alarm beeps without a click first, as on a wall screen left open
      '--autoplay-policy=no-user-gesture-required',
    ],
  })
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

/**
 * Called within a test: should the test fail, the page is saved as it then stood (`failed-<test name>`,
 * with its URL in the log), so a failure seen once on a loaded run shows where the page was.
 */
export function screenshotOnFailure(page: Page): void {
  onTestFailed(async ({ task }) => {
    const name = `failed-${task.name.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 80)}`
    try {
      await screenshot(page, name)
      console.error(
        `${task.name}: the page (${page.url()}) as the test failed: test-output/screenshots/${name}.png`,
      )
    } catch (err) {
      console.error(`${task.name}: no screenshot of the page (${String(err)})`)
    }
  })
}

/** No horizontal scrolling: the page is no wider than the viewport. */
export const horizontalOverflow = (page: Page): Promise<number> =>
  page.evaluate('document.documentElement.scrollWidth - window.innerWidth') as Promise<number>

/** The sign-in form filled and sent; resolves once the shell's live indicator says it is connected. */
export async function signInOnPage(
  page: Page,
  url: string,
  who: { username: string; password: string },
): Promise<Page> {
  await page.goto(url)
  await page.fill('input[name=username]', who.username)
  await page.fill('input[name=password]', who.password)
  await page.click('button[type=submit]')
  await page.waitForSelector('header.top [data-live="live"]')
  return page
}

/** The text of the first element matching `selector`, or null. */
export const textOf = (page: Page, selector: string): Promise<string | null> =>
  page.evaluate(`document.querySelector(${JSON.stringify(selector)})?.textContent ?? null`) as Promise<
    string | null
  >
