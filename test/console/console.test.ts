// The web console in Debian's Chromium against the real service (child process, real InfluxDB), with a
// charging pile publishing over real MQTT: a crew member signs in, sees readings and a port fault live
// (with the alarm), acknowledges it from a phone, switches language, and a kiosk outlives a restart.
import type { MqttClient } from 'mqtt'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ensureConsoleBuilt } from '../../console/index.ts'
import type { Alert } from '../../domain/alerts.ts'
import { horizontalOverflow, launchChromium, screenshot, signInOnPage, textOf } from '../support/browser.ts'
import { connectDevice } from '../support/device-publisher.ts'
import { api, createServiceProcess, pollUntil, type ServiceProcess } from '../support/service-process.ts'

const PHONE = { width: 390, height: 844 }
const DESK = { width: 1280, height: 900 }
const CREW = { username: 'wang.crew', password: 'correct horse battery 7' }

describe('web console', () => {
  let svc: ServiceProcess
  let browser: Browser
  let pile: { id: string; secret: string }
  let siteId: string
  let device: MqttClient
  let sensor: { id: string; secret: string }
  let sensorClient: MqttClient
  let seq = 0
  const contexts: BrowserContext[] = []

  const reading = (port2W: number, feederW: number, extra: { tempC3?: number } = {}) => ({
    ts: Date.now(),
    seq: seq++,
    kind: 'charging-pile',
    feeder: { voltageV: 229.8, currentA: feederW / 229.8, powerW: feederW, leakageMA: 2 },
    ports: [
      { port: 1, state: 'idle', powerW: 0, tempC: 24 },
      { port: 2, state: 'charging', powerW: port2W, energyWh: 412, tempC: 31 },
      { port: 3, state: 'idle', powerW: 0, tempC: extra.tempC3 ?? 25 },
      { port: 4, state: 'full', powerW: 4, tempC: 27 },
    ],
  })
  const publish = async (topic: 'telemetry' | 'events', body: object) => {
    await device.publishAsync(`devices/${pile.id}/${topic}`, JSON.stringify(body), { qos: 1 })
  }

  /** A signed-in page in a fresh browser context (its own cookies). */
  const openSignedIn = async (path: string, viewport = DESK): Promise<Page> => {
    const ctx = await browser.newContext({ viewport, locale: 'zh-CN' })
    contexts.push(ctx)
    return signInOnPage(await ctx.newPage(), `${svc.httpUrl}${path}`, CREW)
  }
  const text = textOf

  beforeAll(async () => {
    ensureConsoleBuilt()
    svc = await createServiceProcess({ influxUrl: inject('influxUrl') })
    await svc.start()
    const site = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
      name: '3号楼充电棚',
      community: '河畔花园',
      kind: 'charging-shed',
    })
    siteId = site.id
    pile = await api(svc, 'POST', '/api/v1/devices', { id: 'pile-console-1', kind: 'charging-pile', siteId })
    await api(svc, 'POST', '/api/v1/users', {
      ...CREW,
      role: 'crew',
      tenantId: 'default',
      displayName: '王师傅',
    })
    device = await connectDevice(svc.mqttUrl, pile, { will: true })
    // as firmware does (protocol: status topic, retained)
    await device.publishAsync(`devices/${pile.id}/status`, 'online', { qos: 1, retain: true })
    await publish('telemetry', reading(150, 160))
    const centre = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
      name: '长者日间照料中心',
      community: '河畔花园',
      kind: 'daycare-centre',
    })
    sensor = await api(svc, 'POST', '/api/v1/devices', {
      id: 'room-sensor-1',
      kind: 'daycare-sensor',
      siteId: centre.id,
    })
    sensorClient = await connectDevice(svc.mqttUrl, sensor)
    // a second sensor, never connected: the centre is not "all clear" while it is away
    await api(svc, 'POST', '/api/v1/devices', {
      id: 'room-sensor-2',
      kind: 'daycare-sensor',
      siteId: centre.id,
    })
    // the pile obeys commands and answers them (protocol: ack within 10 s)
    await device.subscribeAsync(`devices/${pile.id}/commands`, { qos: 1 })
    device.on('message', (_topic, payload) => {
      const cmd = JSON.parse(payload.toString()) as { id: string }
      void device.publishAsync(`devices/${pile.id}/commands/ack`, JSON.stringify({ id: cmd.id, ok: true }), {
        qos: 1,
      })
    })
    browser = await launchChromium()
  })
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close()
    await device?.endAsync(true)
    await sensorClient?.endAsync(true)
    await svc?.kill('SIGTERM')
  })

  it('refuses a wrong password on the sign-in page and stays there', async () => {
    const ctx = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' })
    contexts.push(ctx)
    const page = await ctx.newPage()
    await page.goto(`${svc.httpUrl}/alerts`)
    await page.fill('input[name=username]', CREW.username)
    await page.fill('input[name=password]', 'wrong password')
    await page.click('button[type=submit]')
    await page.waitForSelector('.sign-in .error')
    await screenshot(page, 'sign-in-wrong-password-phone')
    expect(await text(page, '.sign-in .error')).toBe('用户名或密码错误')
    expect(await page.$('header.top')).toBeNull()
  })

  it('shows a reading published over MQTT on the shed page as it arrives, without a reload', async () => {
    const page = await openSignedIn(`/sites/${siteId}`)
    await page.waitForSelector('[data-port="2"] [data-field="powerW"]')
    await publish('telemetry', reading(231, 260))
    await pollUntil(
      async () => (await text(page, '[data-port="2"] [data-field="powerW"]'))?.includes('231'),
      {
        // how soon is measured in the bench (live page latency), not timed here: a CI run under load
        // once took 3.2 s; the page must show it from its socket, as no reload happens
        timeoutMs: 15_000,
        intervalMs: 20,
        what: 'port 2 at 231 W on the shed page',
      },
    )
    expect(await text(page, '[data-field="residual"]')).toContain('25') // 260 − 231 − 4
    await screenshot(page, 'shed-desk')
  })

  it('shows a port fault live as an alert, marks the port and sounds the alarm', async () => {
    const page = await openSignedIn(`/sites/${siteId}`)
    await page.waitForSelector('[data-port="3"]')
    expect(await page.evaluate('window.__courtyardAlarm?.beeps ?? 0')).toBe(0)
    await publish('events', {
      ts: Date.now(),
      seq: seq++,
      kind: 'charging-pile',
      event: 'port_fault',
      port: 3,
      code: 'short_circuit',
    })
    await page.waitForSelector('.alert-list .alert-row.sev-critical', { timeout: 10_000 })
    await page.waitForSelector('[data-port="3"].alarm')
    await page.waitForSelector('.alarm-banner')
    expect(await page.evaluate('window.__courtyardAlarm.beeps')).toBeGreaterThan(0)
    await screenshot(page, 'shed-port-fault-alarm-desk')
  })

  it('acknowledges the fault from a 390 px phone: the API records the crew member; nothing scrolls sideways', async () => {
    const page = await openSignedIn('/alerts', PHONE)
    const row = await page.waitForSelector('.alert-row[data-state="active"].sev-critical')
    const id = await row.getAttribute('data-alert-id')
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'alerts-phone')
    const item = page.locator(`.alert-row[data-alert-id="${id}"]`)
    await item.locator('[data-label="addNote"]').click()
    await item.locator('input.note').fill('我在路上')
    await item.locator('[data-action="ack"]').click()
    await page.waitForSelector(`.alert-row[data-alert-id="${id}"][data-state="acknowledged"]`)
    // the crew member by display name, as at the top of the page, not the username the API records
    await pollUntil(
      async () =>
        (await text(page, `.alert-row[data-alert-id="${id}"] .alert-when`))?.includes('王师傅 已确认'),
      { what: 'the alert row saying 王师傅 acknowledged it' },
    )
    const a = await api<Alert>(svc, 'GET', `/api/v1/alerts/${id}`)
    expect(a).toMatchObject({ state: 'acknowledged', acknowledgedBy: `user:${CREW.username}` })
    const detail = await api<{ history: { kind: string; by: string; note?: string }[] }>(
      svc,
      'GET',
      `/api/v1/alerts/${id}`,
    )
    expect(detail.history).toContainEqual(
      expect.objectContaining({ kind: 'acknowledged', by: `user:${CREW.username}`, note: '我在路上' }),
    )
    // the alert's page shows the history, also on the phone
    await page.click(`.alert-row[data-alert-id="${id}"] .alert-type`)
    await page.waitForSelector('.alert-detail .history li')
    // the crew member by display name, the engine in words: not the audit trail's `user:` and `system`
    const history = (await page.textContent('.alert-detail .history')) ?? ''
    expect(history).toContain('确认 · 王师傅')
    expect(history).not.toContain(CREW.username)
    expect(history).toContain('系统')
    expect(history).not.toContain('user:')
    expect(history).not.toContain('system')
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'alert-detail-phone')
    for (const path of ['/', `/sites/${siteId}`]) {
      await page.goto(`${svc.httpUrl}${path}`)
      await page.waitForSelector(path === '/' ? '.site-card' : '.port-tile')
      expect(await horizontalOverflow(page), path).toBeLessThanOrEqual(0)
      // one of the day-care centre's sensors has never connected: no alert is open, and it is not "all clear".
      // The cards say "loading" until the devices' states and alerts have answered (test/console/loading)
      if (path === '/') {
        await page.waitForSelector('.site-grid[data-status="ready"]')
        expect(await page.textContent('.site-grid')).toContain('无告警，1 台设备离线')
      }
      await screenshot(page, path === '/' ? 'estate-phone' : 'shed-phone')
    }
  })

  it('switches every label between Chinese and English, remembers it, and takes ?lang=en', async () => {
    const page = await openSignedIn('/alerts')
    await page.waitForSelector('.alert-row')
    const labels = () =>
      page.evaluate(
        `[...document.querySelectorAll('[data-label], [data-action="ack"], [data-action="clear"]')].map((e) => e.textContent.trim())`,
      ) as Promise<string[]>
    const zh = await labels()
    expect(zh.length).toBeGreaterThan(10)
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN')
    await page.click('[data-action="lang"]')
    await pollUntil(async () => (await page.evaluate('document.documentElement.lang')) === 'en')
    const en = await labels()
    await screenshot(page, 'alerts-english-desk')
    expect(en).toHaveLength(zh.length)
    const unchanged = zh.filter((z, i) => z === en[i])
    expect(unchanged).toEqual([])
    // remembered across a reload
    await page.reload()
    await page.waitForSelector('.alert-row')
    expect(await labels()).toEqual(en)
    // ?lang=en in a fresh browser (its default is Chinese)
    const ctx = await browser.newContext({ viewport: DESK, locale: 'zh-CN' })
    contexts.push(ctx)
    const fresh = await ctx.newPage()
    await fresh.goto(`${svc.httpUrl}/?lang=en`)
    expect(await (await fresh.waitForSelector('[data-label="signIn.title"]')).textContent()).toBe('Sign in')
  })

  it('rings an emergency call on any page until it is acknowledged from the banner', async () => {
    const page = await openSignedIn('/')
    await page.waitForSelector('.site-card')
    const beeps = () => page.evaluate('window.__courtyardAlarm?.beeps ?? 0') as Promise<number>
    expect(await beeps()).toBe(0)
    await sensorClient.publishAsync(
      `devices/${sensor.id}/events`,
      JSON.stringify({
        ts: Date.now(),
        seq: 1,
        kind: 'daycare-sensor',
        event: 'emergency_call',
        room: 'activity-room',
      }),
      { qos: 1 },
    )
    const item = await page.waitForSelector('.alarm-banner .alarm-item', { timeout: 10_000 })
    expect(await item.textContent()).toContain('紧急呼叫')
    await pollUntil(async () => (await beeps()) >= 2, { what: 'the alarm repeating' })
    await screenshot(page, 'estate-emergency-call-banner-desk')
    const id = await item.getAttribute('data-alert-id')
    await page.click('[data-action="alarm-ack"]')
    await page.waitForSelector('.alarm-banner', { state: 'detached' })
    const a = await api<Alert>(svc, 'GET', `/api/v1/alerts/${id}`)
    expect(a).toMatchObject({
      type: 'emergency_call',
      state: 'acknowledged',
      acknowledgedBy: `user:${CREW.username}`,
    })
  })

  it("shows a device's history, grows it live, and sends a command with the device's answer", async () => {
    const page = await openSignedIn(`/devices/${pile.id}`, PHONE)
    const points = async () => Number(await page.getAttribute('[data-points]', 'data-points'))
    await pollUntil(async () => (await points()) >= 2, { what: 'stored readings in the history chart' })
    const before = await points()
    await publish('telemetry', reading(190, 200))
    await pollUntil(async () => (await points()) === before + 1, {
      what: 'the live reading added to the chart',
    })
    await page.selectOption('select[name=command]', 'stop_port')
    await page.selectOption('select[name=command-port]', '2')
    await page.click('[data-action="send-command"]')
    await page.waitForSelector('[data-answer="ok"]', { timeout: 15_000 })
    // who sent it, by display name
    await pollUntil(async () => (await text(page, '.commands li'))?.includes('王师傅'), {
      what: 'the command listed as sent by 王师傅',
    })
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'device-phone')
    const audit = await api<{
      items: { name: string; args: { port?: number }; by: string; result: string }[]
    }>(svc, 'GET', `/api/v1/devices/${pile.id}/commands`)
    expect(audit.items[0]).toMatchObject({
      name: 'stop_port',
      args: { port: 2 },
      by: `user:${CREW.username}`,
    })
    // a longer range asks for a downsampled series
    await page.selectOption('select[name=range]', '7d')
    await pollUntil(async () => (await points()) >= 1 && (await points()) < before + 1, {
      what: '7-day series',
    })
  })

  it("says who acted by display name to a viewer too, in both languages; a removed person's acts keep their username", async () => {
    const viewer = { username: 'qian.viewer', password: 'correct horse battery 8' }
    const zhao = { username: 'zhao.crew', password: 'correct horse battery 9' }
    await api(svc, 'POST', '/api/v1/users', { ...viewer, role: 'viewer', tenantId: 'default' })
    const zhaoId = (
      await api<{ id: string }>(svc, 'POST', '/api/v1/users', {
        ...zhao,
        role: 'crew',
        tenantId: 'default',
        displayName: '赵师傅',
      })
    ).id
    /** what a person does through the API with their own session, as another device of theirs would */
    const as = async (who: { username: string; password: string }, path: string, body: object) => {
      const signedIn = await fetch(`${svc.httpUrl}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(who),
      })
      const cookie = signedIn.headers.getSetCookie()[0]!.split(';')[0]!
      const res = await fetch(`${svc.httpUrl}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      expect(res.status, await res.text()).toBe(200)
    }
    await publish('events', {
      ts: Date.now(),
      seq: seq++,
      kind: 'charging-pile',
      event: 'port_fault',
      port: 1,
      code: 'short_circuit',
    })
    const alert = await pollUntil(
      async () =>
        (
          await api<{ items: Alert[] }>(svc, 'GET', `/api/v1/alerts?deviceId=${pile.id}&type=port_fault`)
        ).items.find((a) => a.port === 1),
      { what: 'the port 1 fault alert' },
    )
    await as(zhao, `/api/v1/alerts/${alert.id}/ack`, { note: '断路器已断开' })
    await as(CREW, `/api/v1/alerts/${alert.id}/clear`, { note: '已更换插座' })

    const ctx = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' })
    contexts.push(ctx)
    const page = await signInOnPage(await ctx.newPage(), `${svc.httpUrl}/alerts/${alert.id}`, viewer)
    await pollUntil(async () => (await text(page, '.alert-detail .history'))?.includes('确认 · 赵师傅'), {
      what: 'the history naming 赵师傅',
    })
    const history = (await text(page, '.alert-detail .history')) ?? ''
    expect(history).toContain('解除 · 王师傅')
    expect(history).toContain('断路器已断开')
    expect(history).not.toMatch(/zhao\.crew|wang\.crew/)
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    // a username without a display name (qian.viewer) stays on the header's first line, cut short if need be
    const top = (sel: string) => page.$eval(sel, (e) => Math.round(e.getBoundingClientRect().top))
    expect(await top('header.top [data-action="account"]')).toBe(await top('header.top [data-action="lang"]'))
    await screenshot(page, 'alert-detail-names-viewer-phone')
    // the list of every alert says who acknowledged and who cleared it
    await page.goto(`${svc.httpUrl}/alerts`)
    await page.selectOption('select[name=state]', 'all')
    const when = `.alert-row[data-alert-id="${alert.id}"] .alert-when`
    await pollUntil(async () => (await text(page, when))?.includes('王师傅 已解除'), {
      what: 'the alert row saying 王师傅 cleared it',
    })
    expect(await text(page, when)).toContain('赵师傅 已确认')
    await page.click('[data-action="lang"]')
    await pollUntil(
      async () => (await text(page, when))?.includes('acknowledged by 赵师傅 · cleared by 王师傅'),
      {
        what: 'the same in English',
      },
    )
    await screenshot(page, 'alerts-names-viewer-phone-en')

    // 赵师傅 leaves: a page opened afterwards says what the audit trail recorded, the username
    await api(svc, 'DELETE', `/api/v1/users/${zhaoId}`)
    const afterwards = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' })
    contexts.push(afterwards)
    const later = await signInOnPage(await afterwards.newPage(), `${svc.httpUrl}/alerts/${alert.id}`, viewer)
    await pollUntil(async () => (await text(later, '.alert-detail .history'))?.includes('解除 · 王师傅'), {
      what: 'the history naming 王师傅 after 赵师傅 left',
    })
    expect(await text(later, '.alert-detail .history')).toContain('确认 · zhao.crew')
    await screenshot(later, 'alert-detail-removed-person-phone')
  })

  it('keeps a kiosk estate screen live across a service restart, without a reload', async () => {
    const page = await openSignedIn('/?kiosk=1', { width: 1920, height: 1080 })
    const card = `.site-card[data-site-id="${siteId}"]`
    await page.waitForSelector(`${card} [data-figure="power"]`)
    await page.evaluate('window.__kioskMarker = 1') // gone if the page reloads
    expect(await page.$('header.top nav')).toBeNull()
    await screenshot(page, 'estate-kiosk-before-restart')
    await svc.kill('SIGTERM')
    await page.waitForSelector('[data-live="offline"]')
    await svc.start()
    await page.waitForSelector('[data-live="live"]', { timeout: 30_000 })
    // the device reconnects by itself; its next reading shows on the kiosk
    await pollUntil(
      async () => {
        await publish('telemetry', reading(777, 1234))
        return (await text(page, `${card} [data-figure="power"]`))?.includes('1,234')
      },
      { timeoutMs: 20_000, intervalMs: 500, what: 'the new feeder power on the kiosk after the restart' },
    )
    expect(await page.evaluate('window.__kioskMarker')).toBe(1)
    await screenshot(page, 'estate-kiosk-after-restart')
  })
})
