// The reports page in Debian's Chromium against the real service (child process, real InfluxDB, real
// alert engine) fed over real MQTT (test/support/report-seed.ts): a viewer opens Reports from the
// navigation, reads the day's energy, downloads the CSV, reads it on a 390 px phone and in English. The
// pile's feeder meter went back on D0: that day's figure says so, in words, on a desk and on a phone. A
// pile is named by its name, as the alerts name it.
import { readFileSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ensureConsoleBuilt } from '../../console/index.ts'
import { horizontalOverflow, launchChromium, screenshot } from '../support/browser.ts'
import {
  isoDay,
  PILE_NAME,
  type ReportEstate,
  seedReportEstate,
  untilReportsHold,
} from '../support/report-seed.ts'
import { api, createServiceProcess, pollUntil, type ServiceProcess } from '../support/service-process.ts'

const PHONE = { width: 390, height: 844 }
const DESK = { width: 1280, height: 900 }
const VIEWER = { username: 'li.viewer', password: 'correct horse battery 8' }

describe('reports page', () => {
  let svc: ServiceProcess
  let browser: Browser
  let estate: ReportEstate
  const contexts: BrowserContext[] = []

  /** Signed in as a viewer, on the estate page, in Shanghai time (the default range is local dates). */
  const openSignedIn = async (viewport = DESK): Promise<Page> => {
    const ctx = await browser.newContext({
      viewport,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      acceptDownloads: true,
    })
    contexts.push(ctx)
    const page = await ctx.newPage()
    await page.goto(`${svc.httpUrl}/`)
    await page.fill('input[name=username]', VIEWER.username)
    await page.fill('input[name=password]', VIEWER.password)
    await page.click('button[type=submit]')
    await page.waitForSelector('header.top [data-live="live"]')
    return page
  }
  const cellOf = async (page: Page, report: string, date: string, column: number) =>
    page.evaluate(
      `[...document.querySelectorAll('[data-report="${report}"] tbody tr')]
        .find((tr) => tr.cells[0].textContent === ${JSON.stringify(date)})?.cells[${column}].textContent ?? null`,
    ) as Promise<string | null>

  /** The meter-reset mark in the energy row of `date`: its text, its tooltip, and where it sits. */
  const resetMarkOf = async (page: Page, date: string) =>
    page.evaluate(
      `(() => {
        const tr = [...document.querySelectorAll('[data-report="energy"] tbody tr')]
          .find((tr) => tr.cells[0].textContent === ${JSON.stringify(date)})
        const mark = tr?.cells[2].querySelector('[data-meter-reset]')
        if (!mark) return null
        const r = mark.getBoundingClientRect()
        return { piles: mark.dataset.meterReset, text: mark.textContent, title: mark.title, left: r.left, right: r.right, height: r.height }
      })()`,
    ) as Promise<{
      piles: string
      text: string
      title: string
      left: number
      right: number
      height: number
    } | null>

  beforeAll(async () => {
    ensureConsoleBuilt()
    svc = await createServiceProcess({ influxUrl: inject('influxUrl') })
    await svc.start()
    estate = await seedReportEstate(svc, { meterBackOnD0: true })
    await api(svc, 'POST', '/api/v1/users', { ...VIEWER, role: 'viewer', tenantId: 'default' })
    await untilReportsHold(svc, estate)
    browser = await launchChromium()
  }, 120_000)
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close()
    await estate?.close()
    await svc?.kill('SIGTERM')
  })

  it('opens from the navigation, shows the energy of a day and downloads its CSV', async () => {
    const page = await openSignedIn()
    await page.click('header.top nav [data-label="nav.reports"]')
    await page.waitForSelector('[data-report="energy"] tbody tr')
    expect(new URL(page.url()).pathname).toBe('/reports')
    // the default range, the last 7 days, holds the seeded days: 5.5 kWh metered, 1.2 charged, 1 session
    const d1 = isoDay(estate.days.d1)
    expect(await cellOf(page, 'energy', d1, 2)).toBe('5.50')
    expect(await cellOf(page, 'energy', d1, 3)).toBe('1.20')
    expect(await cellOf(page, 'energy', d1, 4)).toBe('1')
    await page.waitForSelector('[data-report="stray-wire"] tbody tr')
    expect(await page.textContent('[data-report="alerts"] tbody')).toContain('端口故障')
    // D0: the meter went back from 120 to 99 kWh; the figure beside the mark counts nothing for that step
    const d0 = isoDay(estate.days.d0)
    await page.waitForSelector('[data-report="energy"] [data-meter-reset]')
    const mark = await pollUntil(
      async () => {
        const m = await resetMarkOf(page, d0)
        return m?.text.includes(PILE_NAME) && m
      },
      { what: 'the pile’s name in the meter-reset mark' },
    )
    expect(mark).toMatchObject({ piles: 'pile-r1', text: `↺ 电表复位：${PILE_NAME}` })
    expect(mark.title).toContain(`${PILE_NAME} 的总表当日读数回落`)
    expect(mark.height).toBeGreaterThan(0)
    expect((await cellOf(page, 'energy', d0, 2))?.startsWith('0.00')).toBe(true)
    expect(await resetMarkOf(page, d1)).toBeNull()
    expect(await resetMarkOf(page, isoDay(estate.days.d2))).toBeNull()
    expect(await page.textContent('[data-report="energy"] [data-label="reports.energyNote"]')).toContain(
      '↺ 电表复位',
    )
    await screenshot(page, 'reports-desk')

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-action="csv-energy"]'),
    ])
    const { from, to } = (await page.evaluate(
      `({ from: document.querySelector('input[name=from]').value, to: document.querySelector('input[name=to]').value })`,
    )) as { from: string; to: string }
    expect(download.suggestedFilename()).toBe(`courtyard-energy-${from}_${to}.csv`)
    const csv = readFileSync((await download.path())!)
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = csv.subarray(3).toString('utf8').split('\r\n')
    // the page is in Chinese: so is the header row
    expect(lines[0]).toBe('日期,小区,站点编号,站点,电表用电 (kWh),充电电量 (kWh),完成充电次数,电表复位')
    expect(lines).toContain(`${d1},河畔花园,${estate.shedId},"'+1号 ""东""棚, 北门",5.5,1.2,1,`)
  })

  it('narrows the range with the date fields', async () => {
    const page = await openSignedIn()
    await page.goto(`${svc.httpUrl}/reports`)
    await page.waitForSelector('[data-report="energy"] tbody tr')
    const d2 = isoDay(estate.days.d2)
    await page.fill('input[name=to]', d2)
    await page.fill('input[name=from]', d2)
    await pollUntil(async () => (await page.$$('[data-report="energy"] tbody tr')).length === 1, {
      what: 'one day of energy',
    })
    expect(await cellOf(page, 'energy', d2, 2)).toBe('5.75')
    expect(await page.getAttribute('[data-action="csv-sessions"]', 'href')).toContain(`from=${d2}&to=${d2}`)
  })

  it('reflows to a 390 px phone without sideways scrolling, and switches to English', async () => {
    const page = await openSignedIn(PHONE)
    await page.goto(`${svc.httpUrl}/reports`)
    await page.waitForSelector('[data-report="sessions"] tbody tr')
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    // on the phone's card of D0 the mark is there, in words, inside the screen
    const d0 = isoDay(estate.days.d0)
    await page.waitForSelector('[data-report="energy"] [data-meter-reset]')
    const mark = await pollUntil(
      async () => {
        const m = await resetMarkOf(page, d0)
        return m?.text.includes(PILE_NAME) && m
      },
      { what: 'the pile’s name in the meter-reset mark' },
    )
    expect(mark.text).toBe(`↺ 电表复位：${PILE_NAME}`)
    expect(mark.left).toBeGreaterThanOrEqual(0)
    expect(mark.right).toBeLessThanOrEqual(PHONE.width)
    await screenshot(page, 'reports-phone')
    await page.click('[data-action="lang"]')
    await page.waitForSelector('[data-report="energy"] h2:text("Energy per shed per day")')
    expect(await page.textContent('[data-report="alerts"] tbody')).toContain('Port fault')
    const english = await resetMarkOf(page, d0)
    expect(english?.text).toBe(`↺ Meter reset: ${PILE_NAME}`)
    expect(english!.title).toContain(`The feeder meter of ${PILE_NAME} went back this day`)
    expect(english!.right).toBeLessThanOrEqual(PHONE.width)
    expect(await page.getAttribute('[data-action="csv-alerts"]', 'href')).toContain('lang=en')
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'reports-english-phone')
  })

  it('on a phone, a card’s labels keep to one line beside a long value (站点, not 站/点)', async () => {
    const page = await openSignedIn(PHONE)
    await page.goto(`${svc.httpUrl}/reports`)
    // each cell's label is its ::before: broken when its box is narrower than its text on one line
    const broken = () =>
      page.evaluate(
        `[...document.querySelectorAll('.report-table td')].filter((td) => {
          const b = getComputedStyle(td, '::before')
          const probe = document.createElement('span')
          probe.style.font = b.font
          probe.style.whiteSpace = 'nowrap'
          probe.textContent = td.dataset.col
          document.body.append(probe)
          const oneLine = probe.getBoundingClientRect().width
          probe.remove()
          return parseFloat(b.width) < oneLine - 0.5
        }).map((td) => td.dataset.col)`,
      ) as Promise<string[]>
    // the building's long name beside its label
    await page.waitForSelector('[data-report="stray-wire"] td[data-col="站点"]')
    expect(await broken()).toEqual([])
    await screenshot(page, 'reports-labels-phone')
    await page.click('[data-action="lang"]')
    await page.waitForSelector('[data-report="sessions"] h2:text("Sessions per port")')
    expect(await broken()).toEqual([])
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
  })

  it('names the pile of each port by its name, not its id, in both languages', async () => {
    const page = await openSignedIn(PHONE)
    await page.goto(`${svc.httpUrl}/reports`)
    await page.waitForSelector('[data-report="sessions"] tbody tr')
    const devices = () =>
      page.evaluate(
        `[...document.querySelectorAll('[data-report="sessions"] tbody tr')].map((tr) => tr.cells[1].textContent)`,
      ) as Promise<string[]>
    await pollUntil(async () => (await devices()).every((d) => d === PILE_NAME), {
      what: 'the pile’s name in the sessions report',
    })
    expect((await devices()).length).toBeGreaterThan(0)
    await screenshot(page, 'reports-pile-name-phone')
    await page.click('[data-action="lang"]')
    await page.waitForSelector('[data-report="sessions"] h2:text("Sessions per port")')
    expect(new Set(await devices())).toEqual(new Set([PILE_NAME]))
  })
})
