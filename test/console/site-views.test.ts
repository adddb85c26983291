// The day-care, building-circuit and display pages in Debian's Chromium against the real service (child
// process, real InfluxDB), with room sensors, a circuit monitor and a display publishing over real MQTT:
// each page is reached from its estate card, shows readings live, marks what is out of band or in
// trouble (and not what is fine), rings a fall in the banner by the site's and the sensor's names, marks
// stray-wire alerts on the circuit charts where they were raised, reflows to a 390 px phone and switches
// language.
import type { MqttClient } from 'mqtt'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ensureConsoleBuilt } from '../../console/index.ts'
import { en } from '../../console/src/i18n/en.ts'
import { zhCN } from '../../console/src/i18n/zh-CN.ts'
import { type SiteSettings, seasonAt } from '../../console/src/stores/site-settings.ts'
import type { Alert } from '../../domain/alerts.ts'
import { horizontalOverflow, launchChromium, screenshot, screenshotOnFailure } from '../support/browser.ts'
import { connectDevice } from '../support/device-publisher.ts'
import { api, createServiceProcess, pollUntil, type ServiceProcess } from '../support/service-process.ts'

const PHONE = { width: 390, height: 844 }
const DESK = { width: 1280, height: 900 }
const CREW = { username: 'li.crew', password: 'correct horse battery 9' }
const MIN = 60_000

interface Provisioned {
  id: string
  secret: string
}

describe('site pages: day-care centre, building circuits, displays', () => {
  let svc: ServiceProcess
  let browser: Browser
  const contexts: BrowserContext[] = []
  const clients: MqttClient[] = []
  const sites: Record<'daycare' | 'building' | 'display', string> = { daycare: '', building: '', display: '' }
  let warmRoom: Provisioned
  let stuffyRoom: Provisioned
  let circuit: Provisioned
  let screen: Provisioned
  const mqtt = new Map<string, MqttClient>()
  const start0 = Date.now()
  const seqs = new Map<string, number>()
  /** the site's band for a reading taken now */
  let band: { tempMinC: number; tempMaxC: number; humidityMinPct: number; humidityMaxPct: number }

  const publish = async (d: Provisioned, topic: 'telemetry' | 'events', body: object) => {
    const seq = seqs.get(d.id) ?? 0
    seqs.set(d.id, seq + 1)
    await mqtt
      .get(d.id)!
      .publishAsync(`devices/${d.id}/${topic}`, JSON.stringify({ seq, ...body }), { qos: 1 })
  }
  const room = (
    room: string,
    v: { tempC: number; humidityPct: number; co2Ppm: number; occupancy: number },
  ) => ({
    ts: Date.now(),
    kind: 'daycare-sensor',
    room,
    pm25Ugm3: 18,
    ...v,
  })
  /** a corridor's LED lights (PF > 0.9), with an e-bike charger without PFC plugged in on top when `charger` */
  const circuitReading = (ts: number, charger: boolean, exactW?: number) => {
    // a real load's input ripples a little
    const powerW = exactW ?? (30 + (charger ? 160 : 0)) * (1 + 0.01 * Math.sin(ts / MIN))
    return {
      ts,
      kind: 'circuit-monitor',
      circuit: 'B2-stairwell',
      voltageV: 228,
      currentA: powerW / 228 / (charger ? 0.65 : 0.95),
      powerW,
      powerFactor: charger ? 0.65 : 0.95,
      currentThdPct: charger ? 95 : 8,
      energyKWh: 12 + (ts - start0) / 3.6e9,
    }
  }
  const display = (over: Record<string, unknown> = {}) => ({
    ts: Date.now(),
    kind: 'outdoor-display',
    powerOn: true,
    screen: 'playing',
    brightnessPct: 80,
    cabinetTempC: 34,
    humidityPct: 45,
    supplyVoltageV: 5.02,
    fanOk: true,
    doorOpen: false,
    failedModules: 0,
    contentId: 'notice-2026-12',
    ...over,
  })

  const openSignedIn = async (path: string, viewport = DESK): Promise<Page> => {
    const ctx = await browser.newContext({ viewport, locale: 'zh-CN' })
    contexts.push(ctx)
    const page = await ctx.newPage()
    screenshotOnFailure(page)
    await page.goto(`${svc.httpUrl}${path}`)
    await page.fill('input[name=username]', CREW.username)
    await page.fill('input[name=password]', CREW.password)
    await page.click('button[type=submit]')
    await page.waitForSelector('header.top [data-live="live"]')
    return page
  }
  /** from the estate, by the site's card, as a person gets there */
  const openFromEstate = async (siteId: string, viewport = DESK): Promise<Page> => {
    const page = await openSignedIn('/', viewport)
    await page.click(`.site-card[data-site-id="${siteId}"] a.site-name`)
    return page
  }
  const text = (page: Page, selector: string) =>
    page.evaluate(`document.querySelector(${JSON.stringify(selector)})?.textContent ?? null`) as Promise<
      string | null
    >
  const labels = (page: Page) =>
    page.evaluate(
      `[...document.querySelectorAll('main [data-label]')].map((e) => e.getAttribute('data-label') + '=' + e.textContent.trim())`,
    ) as Promise<string[]>

  /** Switches to English and back: every label of the page changes, and the named ones to their dictionary text. */
  const checkLanguageSwitch = async (page: Page, keys: (keyof typeof en)[]) => {
    for (const k of keys) expect(await text(page, `main [data-label="${k}"]`), k).toBe(zhCN[k])
    const zh = await labels(page)
    await page.click('[data-action="lang"]')
    await pollUntil(async () => (await page.evaluate('document.documentElement.lang')) === 'en')
    for (const k of keys) expect(await text(page, `main [data-label="${k}"]`), k).toBe(en[k])
    const english = await labels(page)
    expect(english).toHaveLength(zh.length)
    expect(zh.filter((z, i) => z === english[i])).toEqual([])
    return async () => {
      await page.click('[data-action="lang"]')
      await pollUntil(async () => (await page.evaluate('document.documentElement.lang')) === 'zh-CN')
    }
  }

  const provision = async (id: string, kind: string, siteId: string, name?: string): Promise<Provisioned> => {
    const d = await api<Provisioned>(svc, 'POST', '/api/v1/devices', {
      id,
      kind,
      siteId,
      name,
      reportIntervalS: 60,
    })
    const c = await connectDevice(svc.mqttUrl, d, { will: true })
    // as firmware does (protocol: status topic, retained)
    await c.publishAsync(`devices/${d.id}/status`, 'online', { qos: 1, retain: true })
    clients.push(c)
    mqtt.set(d.id, c)
    return d
  }

  beforeAll(async () => {
    ensureConsoleBuilt()
    svc = await createServiceProcess({ influxUrl: inject('influxUrl') })
    await svc.start()
    const site = async (name: string, kind: string) =>
      (await api<{ id: string }>(svc, 'POST', '/api/v1/sites', { name, community: '河畔花园', kind })).id
    sites.daycare = await site('长者日间照料中心', 'daycare-centre')
    sites.building = await site('5号楼', 'building')
    sites.display = await site('南门公告屏', 'display')
    // the default tenant exists once it has a site
    await api(svc, 'POST', '/api/v1/users', {
      ...CREW,
      role: 'crew',
      tenantId: 'default',
      displayName: '李师傅',
    })
    warmRoom = await provision('room-warm', 'daycare-sensor', sites.daycare)
    stuffyRoom = await provision('room-stuffy', 'daycare-sensor', sites.daycare, '午休室传感器')
    circuit = await provision('circuit-b2', 'circuit-monitor', sites.building)
    screen = await provision('screen-south', 'outdoor-display', sites.display)

    // the band the site judges a reading taken now by (the season at the site, as the alert engine takes it)
    const st = await api<{ effective: SiteSettings }>(
      svc,
      'GET',
      `/api/v1/sites/${sites.daycare}/alert-settings`,
    )
    band =
      seasonAt(Date.now(), st.effective) === 'summer'
        ? st.effective.airSummerBand
        : st.effective.airWinterBand
    browser = await launchChromium()
  })
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close()
    for (const c of clients) await c.endAsync(true).catch(() => undefined)
    await svc?.kill('SIGTERM')
  })

  it('day-care centre: rooms live against the season’s band, an out-of-band room marked and an in-band one not', async () => {
    const midT = (band.tempMinC + band.tempMaxC) / 2
    const midRh = (band.humidityMinPct + band.humidityMaxPct) / 2
    // a heated (or cooled) room in the middle of the season's band; a stuffy room too warm for it
    await publish(
      warmRoom,
      'telemetry',
      room('活动室', { tempC: midT, humidityPct: midRh, co2Ppm: 650, occupancy: 9 }),
    )
    await publish(
      stuffyRoom,
      'telemetry',
      room('午休室', { tempC: band.tempMaxC + 3, humidityPct: midRh, co2Ppm: 1350, occupancy: 6 }),
    )
    const page = await openFromEstate(sites.daycare)
    await page.waitForSelector('.daycare-view')
    const warm = `.room-card[data-device-id="${warmRoom.id}"]`
    const stuffy = `.room-card[data-device-id="${stuffyRoom.id}"]`
    await page.waitForSelector(`${stuffy}[data-out="true"]`)
    expect(await page.getAttribute(warm, 'data-out')).toBe('false')
    for (const f of ['tempC', 'humidityPct', 'co2Ppm', 'pm25Ugm3'])
      expect(await page.getAttribute(`${warm} .gauge[data-field="${f}"]`, 'data-verdict'), f).toBe('ok')
    expect(await page.getAttribute(`${stuffy} .gauge[data-field="tempC"]`, 'data-verdict')).toBe('high')
    expect(await page.getAttribute(`${stuffy} .gauge[data-field="co2Ppm"]`, 'data-verdict')).toBe('high')
    expect(await page.getAttribute(`${stuffy} .gauge[data-field="humidityPct"]`, 'data-verdict')).toBe('ok')
    expect(await text(page, `${stuffy} [data-label="daycare.outOfBand"]`)).toBe('超出标准')
    expect(await page.$(`${warm} [data-label="daycare.outOfBand"]`)).toBeNull()
    expect(await page.getAttribute('[data-out-rooms]', 'data-out-rooms')).toBe('1')

    // live: the warm room fills up and then airs out of band, without a reload
    await publish(
      warmRoom,
      'telemetry',
      room('活动室', { tempC: midT, humidityPct: midRh, co2Ppm: 1180, occupancy: 14 }),
    )
    await pollUntil(async () => (await text(page, `${warm} [data-field="occupancy"]`)) === '14 人', {
      timeoutMs: 15_000,
      intervalMs: 20,
      what: 'the new occupancy on the day-care page',
    })
    await page.waitForSelector(`${warm}[data-out="true"] .gauge[data-field="co2Ppm"][data-verdict="high"]`)
    await publish(
      warmRoom,
      'telemetry',
      room('活动室', { tempC: midT, humidityPct: midRh, co2Ppm: 700, occupancy: 14 }),
    )
    await page.waitForSelector(`${warm}[data-out="false"]`)
    await screenshot(page, 'daycare-desk')
    const back = await checkLanguageSwitch(page, ['daycare.rooms', 'daycare.outOfBand', 'daycare.bandSource'])
    await screenshot(page, 'daycare-english-desk')
    await back()
  })

  it('day-care centre: a fall rings the banner on the page and marks the room, until acknowledged', async () => {
    const page = await openSignedIn(`/sites/${sites.daycare}`, PHONE)
    const stuffy = `.room-card[data-device-id="${stuffyRoom.id}"]`
    await page.waitForSelector(stuffy)
    expect(await page.evaluate('window.__courtyardAlarm?.beeps ?? 0')).toBe(0)
    await publish(stuffyRoom, 'events', {
      ts: Date.now(),
      kind: 'daycare-sensor',
      event: 'fall_detected',
      room: '午休室',
      confidence: 0.92,
    })
    const item = await page.waitForSelector('.alarm-banner .alarm-item', { timeout: 30_000 })
    expect(await item.textContent()).toContain('跌倒')
    // which building, and which of its sensors: the site's name and the device's (not its id)
    const where = '.alarm-banner .alarm-item [data-field="where"]'
    await pollUntil(async () => (await text(page, where))?.includes('午休室传感器'), {
      what: 'the sensor’s name in the alarm banner',
    })
    expect(await text(page, where)).toBe('长者日间照料中心 · 午休室传感器')
    await page.waitForSelector(`${stuffy}.sev-critical .card-alerts .badge`)
    expect(await page.evaluate('window.__courtyardAlarm.beeps')).toBeGreaterThan(0)
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'daycare-fall-banner-phone')
    const id = await item.getAttribute('data-alert-id')
    await page.click('[data-action="alarm-ack"]')
    await page.waitForSelector('.alarm-banner', { state: 'detached' })
    expect(await api<Alert>(svc, 'GET', `/api/v1/alerts/${id}`)).toMatchObject({
      type: 'fall_detected',
      state: 'acknowledged',
      acknowledgedBy: `user:${CREW.username}`,
    })
    await page.evaluate('scrollTo(0, 0)')
    await screenshot(page, 'daycare-phone')
  })

  it('day-care centre: a door opened after hours reads as a sentence naming the door, in both languages', async () => {
    await publish(warmRoom, 'events', {
      ts: Date.now(),
      kind: 'daycare-sensor',
      event: 'door_open_after_hours',
      door: 'main-entrance',
    })
    const a = await pollUntil(
      async () =>
        (
          await api<{ items: Alert[] }>(
            svc,
            'GET',
            `/api/v1/alerts?type=wandering&deviceId=${warmRoom.id}&state=active`,
          )
        ).items[0],
      { what: 'the wandering alert in the API' },
    )
    const page = await openSignedIn(`/alerts/${a.id}`, PHONE)
    const summary = 'main.alert-detail [data-field="summary"]'
    await page.waitForSelector(summary)
    expect(await text(page, summary)).toBe('非开放时间门“main-entrance”被打开')
    expect(await text(page, 'main.alert-detail [data-field="lastValue"]')).toBe('门“main-entrance”')
    await screenshot(page, 'wandering-phone')
    await page.click('[data-action="lang"]')
    await pollUntil(async () => (await text(page, summary)) === 'Door “main-entrance” opened after hours', {
      what: 'the sentence in English',
    })
    await screenshot(page, 'wandering-english-phone')
  })

  it('building circuits: power, PF and THD live, and the stray-wire alert marked on the charts where it was raised', async () => {
    // an evening's stairwell: lights for 15 minutes, then a charger plugged in by an extension cord
    const start = Date.now() - 45 * MIN
    for (let k = 0; k < 15; k++) await publish(circuit, 'telemetry', circuitReading(start + k * MIN, false))
    const page = await openFromEstate(sites.building)
    const section = `.circuit[data-device-id="${circuit.id}"]`
    await page.waitForSelector(`${section} .chart canvas`)
    expect(await page.$(`${section} .chart-marker`)).toBeNull()
    for (let k = 15; k < 45; k++) await publish(circuit, 'telemetry', circuitReading(start + k * MIN, true))
    const alert = await pollUntil(
      async () =>
        (
          await api<{ items: Alert[] }>(
            svc,
            'GET',
            `/api/v1/alerts?type=stray_wire_charging&deviceId=${circuit.id}&state=all`,
          )
        ).items[0],
      { timeoutMs: 60_000, what: 'the stray-wire alert in the API' },
    )
    expect(alert.raisedAt).toBeGreaterThan(start + 15 * MIN)
    // raised live while the page is open: one mark on each chart, at the time it was raised
    const marker = `${section} .chart-marker[data-alert-id="${alert.id}"]`
    await page.waitForSelector(marker, { timeout: 30_000 })
    expect(await page.$$(marker)).toHaveLength(2)
    expect(Number(await page.getAttribute(marker, 'data-ts'))).toBe(alert.raisedAt)
    // where on the time axis: the mark's share of the plot's width is raisedAt's share of the axis's span
    // (the span covers every reading, from the lights' first minute to the charger's last)
    const chart = `${section} .chart:has(${marker.replace(section, '').trim()})`
    await page.waitForSelector(`${chart}[data-x-max="${(start + 44 * MIN) / 1000}"]`)
    const at = (await page.evaluate(`(() => {
      const m = document.querySelector(${JSON.stringify(marker)})
      const chart = m.closest('.chart')
      const over = m.parentElement.parentElement.getBoundingClientRect()
      const box = m.getBoundingClientRect()
      return {
        share: (box.left + box.width / 2 - over.left) / over.width,
        min: Number(chart.dataset.xMin),
        max: Number(chart.dataset.xMax),
      }
    })()`)) as { share: number; min: number; max: number }
    expect(at.min).toBeLessThanOrEqual(start / 1000)
    expect(at.share).toBeCloseTo((alert.raisedAt / 1000 - at.min) / (at.max - at.min), 2)

    // the latest reading live in the figures
    await publish(circuit, 'telemetry', circuitReading(Date.now(), true, 333))
    await pollUntil(async () => (await text(page, `${section} [data-field="powerW"]`))?.includes('333'), {
      timeoutMs: 15_000,
      intervalMs: 20,
      what: 'the new power on the circuits page',
    })
    expect(await text(page, `${section} [data-field="powerFactor"]`)).toBe('0.65')
    expect(await text(page, `${section} [data-field="currentThdPct"]`)).toBe('95%')
    await screenshot(page, 'circuits-desk')
    // a click on the mark opens the alert
    const back = await checkLanguageSwitch(page, [
      'circuits.title',
      'circuits.power',
      'circuits.pf',
      'circuits.thd',
    ])
    await screenshot(page, 'circuits-english-desk')
    await back()
    await page.click(marker)
    await page.waitForSelector(`.alert-detail`)
    expect(new URL(page.url()).pathname).toBe(`/alerts/${alert.id}`)
    // what the alert is and why the detector took it for a charger, in Chinese from its evidence (the
    // API's message stays English), and when the load began in the site's clock, as the message says it
    const since = /since (\d\d:\d\d)/.exec(alert.message)?.[1]
    expect(since).toBeDefined()
    const summary = (await text(page, '.alert-detail dt[data-label="alert.message"] + dd')) ?? ''
    expect(summary).toMatch(/^约 \d+\u00a0W 的充电器形负载，不在任何充电端口上，约 /)
    expect(summary).toContain(`约 ${since}`)
    const evidence = (await page.$$eval('.alert-detail [data-field="evidence"] li', (els) =>
      els.map((e) => e.textContent ?? ''),
    )) as string[]
    expect(evidence.length).toBeGreaterThanOrEqual(3)
    for (const line of evidence) expect(line).toMatch(/\p{Script=Han}/u)
    expect(await text(page, 'main')).not.toMatch(/charger-shaped|step of|no taper/)
    await screenshot(page, 'stray-wire-alert-detail-desk')

    const phone = await openSignedIn(`/sites/${sites.building}`, PHONE)
    await phone.waitForSelector(`${section} .chart-marker[data-alert-id="${alert.id}"]`)
    expect(await horizontalOverflow(phone)).toBeLessThanOrEqual(0)
    await screenshot(phone, 'circuits-phone')
  }, 180_000)

  it('displays: each screen’s state, brightness, cabinet temperature and hardware health, live', async () => {
    await publish(screen, 'telemetry', display())
    const page = await openFromEstate(sites.display)
    const card = `.display-card[data-device-id="${screen.id}"]`
    await page.waitForSelector(`${card}[data-screen="playing"]`)
    expect(await text(page, `${card} [data-field="screen"]`)).toBe('正常播放')
    expect(await text(page, `${card} [data-field="brightnessPct"]`)).toBe('80%')
    expect(await text(page, `${card} [data-field="cabinetTempC"]`)).toBe('34°C')
    expect(await page.getAttribute(card, 'data-problems')).toBe('')
    expect(await page.getAttribute(card, 'class')).not.toContain('trouble')
    await screenshot(page, 'displays-desk')

    // the screen goes black with a failed fan and a hot cabinet: shown live, without a reload
    await publish(
      screen,
      'telemetry',
      display({ screen: 'black', fanOk: false, cabinetTempC: 62, brightnessPct: 35 }),
    )
    await page.waitForSelector(`${card}[data-screen="black"].trouble`)
    expect(await text(page, `${card} [data-field="screen"]`)).toBe('黑屏')
    expect(await text(page, `${card} [data-field="brightnessPct"]`)).toBe('35%')
    expect((await page.getAttribute(card, 'data-problems'))?.split(' ')).toEqual(['overheat', 'blank', 'fan'])
    await screenshot(page, 'displays-trouble-desk')
    const back = await checkLanguageSwitch(page, ['displays.title', 'displays.screen', 'displays.brightness'])
    expect(await text(page, `${card} [data-field="screen"]`)).toBe('Black')
    await back()

    const phone = await openSignedIn(`/sites/${sites.display}`, PHONE)
    await phone.waitForSelector(`${card}[data-screen="black"]`)
    expect(await horizontalOverflow(phone)).toBeLessThanOrEqual(0)
    await screenshot(phone, 'displays-phone')
  })

  it('draws a shed chart of a single reading over minutes around it, not over a day from midnight', async () => {
    const shed = (
      await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
        name: '7号楼充电棚',
        community: '河畔花园',
        kind: 'charging-shed',
      })
    ).id
    const pile = await provision('pile-lone', 'charging-pile', shed)
    const ts = Date.now()
    await publish(pile, 'telemetry', {
      ts,
      kind: 'charging-pile',
      feeder: { powerW: 180 },
      ports: [{ port: 1, state: 'charging', powerW: 170, tempC: 28 }],
    })
    await pollUntil(
      async () => (await api<{ reading?: unknown }>(svc, 'GET', `/api/v1/devices/${pile.id}`)).reading,
    )
    const page = await openFromEstate(shed)
    const chart = await page.waitForSelector('.pile .chart[data-x-max]:has(canvas)')
    const span = await pollUntil(async () => {
      const min = Number(await chart.getAttribute('data-x-min'))
      const max = Number(await chart.getAttribute('data-x-max'))
      return min > 0 ? { min, max } : undefined
    })
    // uPlot's default for a lone point stretches the axis over years from it, ticked at midnights
    expect(span.max - span.min).toBeLessThanOrEqual(600)
    expect(span.min).toBeLessThan(ts / 1000)
    expect(span.max).toBeGreaterThan(ts / 1000 - 60)
    await screenshot(page, 'shed-single-reading-desk')
  })

  it('reflows the day-care page to a 390 px phone and lets the estate reach every kind of site', async () => {
    const page = await openSignedIn('/', PHONE)
    for (const [id, view] of [
      [sites.daycare, '.daycare-view .room-card'],
      [sites.building, '.circuits-view .circuit'],
      [sites.display, '.displays-view .display-card'],
    ] as const) {
      await page.click(`.site-card[data-site-id="${id}"] a.site-name`)
      await page.waitForSelector(view)
      expect(await horizontalOverflow(page), view).toBeLessThanOrEqual(0)
      await page.goBack()
      await page.waitForSelector('.site-card')
    }
  })
})
