// The console's pages as a browser must treat them: no other site may frame them (a page of another
// origin showing the console under its own buttons), assets are never sniffed into another type, and the
// Content-Security-Policy that says so leaves the console itself working: signed in, live, every page
// drawn, with no violation reported. Real service, real Chromium.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ensureConsoleBuilt } from '../../console/index.ts'
import { launchChromium, screenshot } from '../support/browser.ts'
import { api, createServiceProcess, type ServiceProcess } from '../support/service-process.ts'

const CREW = { username: 'li.crew', password: 'correct horse battery 9' }

describe('console page security', () => {
  let svc: ServiceProcess
  let browser: Browser
  let siteId: string

  beforeAll(async () => {
    ensureConsoleBuilt()
    svc = await createServiceProcess({ influxUrl: inject('influxUrl') })
    await svc.start()
    const site = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
      name: '5号楼充电棚',
      community: '河畔花园',
      kind: 'charging-shed',
    })
    siteId = site.id
    await api(svc, 'POST', '/api/v1/users', { ...CREW, role: 'crew', tenantId: 'default' })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await svc?.kill('SIGTERM')
  })

  it('serves its pages with a policy that forbids framing and its assets as nosniff', async () => {
    const page = await fetch(`${svc.httpUrl}/alerts`)
    expect(page.status).toBe(200)
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("object-src 'none'")
    expect(page.headers.get('x-frame-options')).toBe('DENY')
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1]
    expect(script).toBeDefined()
    const asset = await fetch(`${svc.httpUrl}${script}`)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('works under its policy: sign-in, live header, alerts and a site page, no violation', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' })
    const page = await ctx.newPage()
    const violations: string[] = []
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) violations.push(m.text())
    })
    // a string: the test's own compile has no DOM types
    await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) =>
      console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))`)
    await page.goto(`${svc.httpUrl}/`)
    await page.fill('input[name=username]', CREW.username)
    await page.fill('input[name=password]', CREW.password)
    await page.click('button[type=submit]')
    // the live header needs the socket.io connection: connect-src 'self' lets it through
    await page.waitForSelector('header.top [data-live="live"]')
    await page.goto(`${svc.httpUrl}/alerts`)
    await page.waitForSelector('header.top [data-live="live"]')
    await page.goto(`${svc.httpUrl}/sites/${siteId}`)
    await page.waitForSelector('header.top [data-live="live"]')
    await waitForStyles(page)
    await screenshot(page, 'console-under-csp-site')
    expect(violations).toEqual([])
    await ctx.close()
  })

  it('cannot be framed by a page of another origin', async () => {
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    // about:blank with the frame written in: an origin that is not the console's. setContent returns on
    // the page's load event, which waits for the frame's document, the console's or the error page
    await page.setContent(`<iframe src="${svc.httpUrl}/" width="600" height="400"></iframe>`)
    const frame = page.frames().find((f) => f !== page.mainFrame())
    expect(frame).toBeDefined()
    await screenshot(page, 'console-framed-refused')
    // refused by frame-ancestors: Chromium puts its error page there, never the console's document
    expect(frame!.url()).not.toContain(svc.httpUrl)
    expect(await frame!.$('#app').catch(() => null)).toBeNull()
    await ctx.close()
  })
})

/** The stylesheet applied (style-src 'self' let it in): the page is not drawn unstyled. */
async function waitForStyles(page: Page): Promise<void> {
  const sheets = await page.evaluate('document.styleSheets.length')
  expect(sheets).toBeGreaterThan(0)
}
