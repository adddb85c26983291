// A page opened for something that is not there (an old link to a decommissioned device, a mistyped
// address, another company's site) in Debian's Chromium against the real service: the page says so in its
// own language, not with the API's English sentence, on a phone in Chinese and at a desk in English.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ensureConsoleBuilt } from '../../console/index.ts'
import { en } from '../../console/src/i18n/en.ts'
import { zhCN } from '../../console/src/i18n/zh-CN.ts'
import {
  horizontalOverflow,
  launchChromium,
  screenshot,
  screenshotOnFailure,
  signInOnPage,
  textOf,
} from '../support/browser.ts'
import { api, createServiceProcess, type ServiceProcess } from '../support/service-process.ts'

const PHONE = { width: 390, height: 844 }
const DESK = { width: 1280, height: 900 }
const CREW = { username: 'sun.crew', password: 'correct horse battery 5' }
const PAGES = ['/alerts/al-gone', '/devices/pile-gone', '/sites/site-gone'] as const

describe('a page for something that is not there', () => {
  let svc: ServiceProcess
  let browser: Browser
  const contexts: BrowserContext[] = []

  const open = async (viewport: { width: number; height: number }, locale: string): Promise<Page> => {
    const ctx = await browser.newContext({ viewport, locale })
    contexts.push(ctx)
    const page = await ctx.newPage()
    screenshotOnFailure(page)
    return signInOnPage(page, `${svc.httpUrl}/${locale === 'en' ? '?lang=en' : ''}`, CREW)
  }
  /** each page, reached as a link is followed (the console's own navigation) */
  const visit = async (page: Page, path: string) => {
    await page.evaluate(
      `history.pushState(null, '', ${JSON.stringify(path)}); dispatchEvent(new PopStateEvent('popstate'))`,
    )
    await page.waitForSelector('main .error')
  }

  beforeAll(async () => {
    ensureConsoleBuilt()
    svc = await createServiceProcess({ influxUrl: inject('influxUrl') })
    await svc.start()
    await api(svc, 'POST', '/api/v1/sites', { name: '1号棚', community: '河畔花园', kind: 'charging-shed' })
    await api(svc, 'POST', '/api/v1/users', {
      ...CREW,
      role: 'crew',
      tenantId: 'default',
      displayName: '孙师傅',
    })
    browser = await launchChromium()
  })
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close()
    await svc?.kill('SIGTERM')
  })

  it('says "not found" in Chinese on a phone: an alert, a device, a site', async () => {
    const page = await open(PHONE, 'zh-CN')
    for (const path of PAGES) {
      await visit(page, path)
      expect(await textOf(page, 'main .error'), path).toBe(zhCN['error.notFound'])
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
      await screenshot(page, `not-found-${path.split('/')[1]}-phone`)
    }
  })

  it('says "not found" in English at a desk', async () => {
    const page = await open(DESK, 'en')
    for (const path of PAGES) {
      await visit(page, path)
      expect(await textOf(page, 'main .error'), path).toBe(en['error.notFound'])
    }
    await screenshot(page, 'not-found-site-desk')
  })
})
