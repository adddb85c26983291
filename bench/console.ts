// Console phase: the size of the built console's JavaScript (gzipped, as served over a compressing
// proxy) and the estate page's first render in headless Chromium against the real service, signed in
// as a crew member with a 20-site estate. Cold loads: a fresh browser context (empty cache) each time.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'
import { CONSOLE_DIST, ensureConsoleBuilt } from '../console/index.ts'
import type { OursTarget } from './targets.ts'

export interface ConsoleResult {
  jsFiles: number
  jsBytes: number
  jsGzipBytes: number
  cssGzipBytes: number
  sites: number
  /** ms from navigation start to the first site card, per cold load */
  firstRenderMs: number[]
}

const SITES = 20
const LOADS = 5
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

export function consoleSizes(): Pick<ConsoleResult, 'jsFiles' | 'jsBytes' | 'jsGzipBytes' | 'cssGzipBytes'> {
  ensureConsoleBuilt()
  const dir = join(CONSOLE_DIST, 'assets')
  const files = readdirSync(dir)
  const gz = (f: string) => gzipSync(readFileSync(join(dir, f)), { level: 9 }).length
  const js = files.filter((f) => f.endsWith('.js'))
  return {
    jsFiles: js.length,
    jsBytes: js.reduce((n, f) => n + readFileSync(join(dir, f)).length, 0),
    jsGzipBytes: js.reduce((n, f) => n + gz(f), 0),
    cssGzipBytes: files.filter((f) => f.endsWith('.css')).reduce((n, f) => n + gz(f), 0),
  }
}

async function call(t: OursTarget, method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${t.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${await res.text()}`)
  return res
}

export async function runConsole(t: OursTarget): Promise<ConsoleResult> {
  const sizes = consoleSizes()
  for (let i = 1; i <= SITES; i++) {
    const kind = i % 4 === 1 ? 'daycare-centre' : 'charging-shed'
    const site = (await (
      await call(t, 'POST', '/api/v1/sites', {
        name: `Site ${i}`,
        community: `Community ${1 + (i % 3)}`,
        kind,
      })
    ).json()) as { id: string }
    await call(t, 'POST', '/api/v1/devices', {
      id: `bench-console-${i}`,
      kind: kind === 'charging-shed' ? 'charging-pile' : 'daycare-sensor',
      siteId: site.id,
    })
  }
  const user = { username: 'bench.crew', password: 'bench console password 1' }
  await call(t, 'POST', '/api/v1/users', { ...user, role: 'crew', tenantId: 'default' })
  const signIn = await fetch(`${t.httpUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  })
  const cookie = signIn.headers.get('set-cookie')?.split(';')[0]
  if (!signIn.ok || !cookie) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`)
  const [name, value] = [cookie.slice(0, cookie.indexOf('=')), cookie.slice(cookie.indexOf('=') + 1)]

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
  const firstRenderMs: number[] = []
  try {
    for (let i = 0; i < LOADS; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } })
      await ctx.addCookies([{ name, value, url: t.httpUrl }])
      // the moment the first card is in the DOM, on the page's own clock (ms since navigation start)
      await ctx.addInitScript(`new MutationObserver((_, o) => {
        if (document.querySelector('.site-card')) { window.__firstCardMs = performance.now(); o.disconnect() }
      }).observe(document, { childList: true, subtree: true })`)
      const page = await ctx.newPage()
      await page.goto(`${t.httpUrl}/?kiosk=1`)
      await page.waitForSelector('.site-card', { timeout: 30_000 })
      firstRenderMs.push((await page.evaluate('window.__firstCardMs')) as number)
      await ctx.close()
    }
  } finally {
    await browser.close()
  }
  return { ...sizes, sites: SITES, firstRenderMs }
}
