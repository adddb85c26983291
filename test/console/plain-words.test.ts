// What a crew reads, in Debian's Chromium against the real service (child process, real InfluxDB), with
// charging piles and a display over real MQTT and a real webhook receiver: an alert's page, a device's
// page (events, the command log, a command's answer) and an alert's notifications say the server's codes
// in sentences of the page's language — no `short_circuit`, `stop_port {"port":2}`, `webhook delivered
// raised`, and no English sentence on a Chinese page; a page dropped because the alert was acknowledged
// says by whom. Times are the site's, marked with its zone on a browser set to another. The shed chart's
// value axis is wide enough for "1,000 W".
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
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
const CREW = { username: 'wang.crew', password: 'correct horse battery 11' }
const SEC = 1000
/** the site's clock: the service's default zone */
const SITE_OFFSET_MS = 8 * 3600 * SEC

/** Codes and server English that a Chinese page must not show. */
const RAW = [
  'short_circuit',
  'over_current',
  'stop_port',
  'disable_port',
  'set_brightness',
  '{"',
  'port_fault',
  'port 1 fault',
  'webhook delivered',
  'delivered',
  'dropped',
  'raised',
  'DEVICE_OFFLINE',
  'DEVICE_TIMEOUT',
  'not connected',
  'did not ack',
  'timeout',
  'auto',
]

// what the pages show, found by their labels (as a person finds them)
const fact = (label: string) => `.alert-detail dt[data-label="${label}"] + dd`
const SUMMARY = fact('alert.message')
const LAST_VALUE = fact('alert.lastValue')
const RAISED = fact('alert.raised')
const NOTIFICATIONS = '.alert-detail h2[data-label="alert.notifications"] + ul li'
const ALERT_COMMANDS = '.alert-detail h2[data-label="alert.commands"] + ul li'
const EVENTS = '.device-view h2[data-label="device.events"] + ul li'
const DEVICE_COMMANDS = '.device-view section:has(h2[data-label="device.commands"]) ul.history li'

/** `2026-12-04 23:53:00`: the site's wall clock */
const siteClock = (ms: number) => new Date(ms + SITE_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ')

interface Notification {
  kind: string
  state?: string
  cause?: string
  acknowledgedBy?: string
}

describe('plain words for codes: alert, device, commands, events and notifications', () => {
  let svc: ServiceProcess
  let browser: Browser
  let receiver: Server
  const contexts: BrowserContext[] = []
  const clients: MqttClient[] = []
  const seqs = new Map<string, number>()
  let shedId = ''
  let pile: { id: string; secret: string }
  let pileClient: MqttClient
  let offlinePile: { id: string }
  let screen: { id: string; secret: string }
  let screenClient: MqttClient
  const alerts: Record<'fault' | 'acked' | 'overheat', Alert | undefined> = {
    fault: undefined,
    acked: undefined,
    overheat: undefined,
  }

  const publish = async (c: MqttClient, id: string, topic: 'telemetry' | 'events', body: object) => {
    const seq = seqs.get(id) ?? 0
    seqs.set(id, seq + 1)
    await c.publishAsync(`devices/${id}/${topic}`, JSON.stringify({ seq, ...body }), { qos: 1 })
  }
  const portFault = (port: number, code: string) =>
    publish(pileClient, pile.id, 'events', {
      ts: Date.now(),
      kind: 'charging-pile',
      event: 'port_fault',
      port,
      code,
    })
  const pileReading = (ts: number, o: { port3C?: number; feederW?: number } = {}) => ({
    ts,
    kind: 'charging-pile',
    feeder: { voltageV: 230, currentA: (o.feederW ?? 420) / 230, powerW: o.feederW ?? 420, leakageMA: 3 },
    ports: [
      { port: 1, state: 'idle', powerW: 0, tempC: 24 },
      { port: 2, state: 'charging', powerW: 180, energyWh: 300, tempC: 30 },
      { port: 3, state: 'charging', powerW: 190, energyWh: 200, tempC: o.port3C ?? 31 },
      { port: 4, state: 'idle', powerW: 0, tempC: 25 },
    ],
  })
  const alertOf = (type: string, port: number) =>
    pollUntil(
      async () =>
        (
          await api<{ items: Alert[] }>(
            svc,
            'GET',
            `/api/v1/alerts?deviceId=${pile.id}&type=${type}&state=all`,
          )
        ).items.find((a) => a.port === port),
      { what: `the ${type} alert of port ${port}` },
    )
  const notifications = (id: string) =>
    api<{ items: Notification[] }>(svc, 'GET', `/api/v1/alerts/${id}/notifications`).then((r) => r.items)

  const openSignedIn = async (
    path: string,
    viewport = PHONE,
    timezoneId = 'Asia/Shanghai',
  ): Promise<Page> => {
    const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId })
    contexts.push(ctx)
    return signInOnPage(await ctx.newPage(), `${svc.httpUrl}${path}`, CREW)
  }
  const text = textOf
  const texts = (page: Page, selector: string) =>
    page.evaluate(
      `[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => e.textContent.trim())`,
    ) as Promise<string[]>
  const switchLanguage = async (page: Page, to: 'en' | 'zh-CN') => {
    await page.click('[data-action="lang"]')
    await pollUntil(async () => (await page.evaluate('document.documentElement.lang')) === to)
  }

  /**
   * A Chinese page: none of the raw codes, and no sentence in English — what is left of each piece of
   * text once names (devices, people), units, the zone and `quoted` (what a device said in its own
   * words) are taken out has no Latin word in it.
   */
  const expectChinesePage = async (page: Page, pieces: string, quoted: string[] = []) => {
    const main = (await text(page, 'main')) ?? ''
    for (const raw of RAW) expect(main, `"${raw}" on the Chinese page`).not.toContain(raw)
    const names = [...quoted, pile.id, offlinePile.id, screen.id, CREW.username, 'Webhook', 'UTC+8']
    const units = /\b(k?W|kWh|mA|VA|PF|THD|ppm)\b|°C|PM2\.5|CO₂/g
    for (const piece of await texts(page, pieces)) {
      let rest = piece
      for (const n of names) rest = rest.split(n).join(' ')
      rest = rest.replace(units, ' ')
      expect(rest, `English left in "${piece}"`).not.toMatch(/[A-Za-z]{2,}/)
    }
  }

  beforeAll(async () => {
    ensureConsoleBuilt()
    receiver = createServer((req, res) => {
      req.resume()
      req.on('end', () => res.writeHead(204).end())
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    svc = await createServiceProcess({
      influxUrl: inject('influxUrl'),
      extraEnv: {
        // a page waits this long for others to go with it: an alert acknowledged meanwhile is dropped
        NOTIFY_GROUP_WINDOW_S: '5',
        // the test's webhook receiver listens on loopback
        NOTIFY_WEBHOOK_ALLOW_NETS: '127.0.0.1,::1',
      },
    })
    await svc.start()
    const site = (name: string, kind: string) =>
      api<{ id: string }>(svc, 'POST', '/api/v1/sites', { name, community: '河畔花园', kind }).then(
        (s) => s.id,
      )
    shedId = await site('9号楼充电棚', 'charging-shed')
    const displaySite = await site('北门公告屏', 'display')
    await api(svc, 'POST', '/api/v1/users', {
      ...CREW,
      role: 'crew',
      tenantId: 'default',
      displayName: '王师傅',
    })
    pile = await api(svc, 'POST', '/api/v1/devices', {
      id: 'pile-words-1',
      kind: 'charging-pile',
      siteId: shedId,
    })
    // provisioned, never connected: a command to it is refused at once
    offlinePile = await api(svc, 'POST', '/api/v1/devices', {
      id: 'pile-words-2',
      kind: 'charging-pile',
      siteId: shedId,
    })
    screen = await api(svc, 'POST', '/api/v1/devices', {
      id: 'screen-words-1',
      kind: 'outdoor-display',
      siteId: displaySite,
    })
    pileClient = await connectDevice(svc.mqttUrl, pile)
    clients.push(pileClient)
    // the pile does what it is told, except disabling port 4, which is busy (protocol: ack with a reason)
    await pileClient.subscribeAsync(`devices/${pile.id}/commands`, { qos: 1 })
    pileClient.on('message', (_topic, payload) => {
      const cmd = JSON.parse(payload.toString()) as { id: string; name: string }
      const ack =
        cmd.name === 'disable_port'
          ? { id: cmd.id, ok: false, error: 'port 4 is busy' }
          : { id: cmd.id, ok: true }
      void pileClient.publishAsync(`devices/${pile.id}/commands/ack`, JSON.stringify(ack), { qos: 1 })
    })
    // the display's controller hangs: it takes commands and never answers
    screenClient = await connectDevice(svc.mqttUrl, screen)
    clients.push(screenClient)
    await screenClient.subscribeAsync(`devices/${screen.id}/commands`, { qos: 1 })

    const channel = await api<{ id: string }>(svc, 'POST', '/api/v1/notification-channels', {
      type: 'webhook',
      name: 'night crew',
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    })
    await api(svc, 'POST', '/api/v1/notification-routes', {
      name: 'crew pages',
      minSeverity: 'major',
      channelIds: [channel.id],
    })

    // readings over the last minutes (event time): port 3 at 80 °C for longer than the 1 min hold, so
    // the engine stops it by itself; the feeder above 1,000 W
    const t0 = Date.now() - 5 * 60 * SEC
    for (let k = 0; k <= 8; k++)
      await publish(
        pileClient,
        pile.id,
        'telemetry',
        pileReading(t0 + k * 20 * SEC, { port3C: 80, feederW: 1180 }),
      )
    alerts.overheat = await alertOf('port_overheat', 3)

    // a short circuit on port 1, paged to the crew's webhook
    await portFault(1, 'short_circuit')
    alerts.fault = await alertOf('port_fault', 1)
    await pollUntil(
      async () => (await notifications(alerts.fault!.id)).some((n) => n.state === 'delivered'),
      {
        what: 'the short circuit paged',
      },
    )
    // an over-current on port 2, acknowledged by the crew member before its page went out
    const session = await fetch(`${svc.httpUrl}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(CREW),
    })
    const cookie = session.headers.getSetCookie()[0]!.split(';')[0]!
    await portFault(2, 'over_current')
    alerts.acked = await alertOf('port_fault', 2)
    const ack = await fetch(`${svc.httpUrl}/api/v1/alerts/${alerts.acked.id}/ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ note: '我在路上' }),
    })
    expect(ack.status).toBe(200)
    await pollUntil(async () => (await notifications(alerts.acked!.id)).some((n) => n.state === 'dropped'), {
      what: 'the page of the acknowledged alert dropped',
    })
    browser = await launchChromium()
  }, 180_000)
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close()
    for (const c of clients) await c.endAsync(true).catch(() => undefined)
    await svc?.kill('SIGTERM')
    await new Promise((r) => receiver?.close(r))
  })

  it('says on an alert’s page what is wrong, its value, its notifications and its commands in Chinese, and in English one click away', async () => {
    const fault = alerts.fault!
    // what the API answers stays as integrators read it
    expect(fault).toMatchObject({
      lastValue: 'short_circuit',
      message: expect.stringContaining('short_circuit'),
    })

    const page = await openSignedIn(`/alerts/${fault.id}`)
    await page.waitForSelector(NOTIFICATIONS)
    expect(await text(page, SUMMARY)).toBe('1 号端口故障：短路')
    expect(await text(page, LAST_VALUE)).toBe('短路')
    // the site's clock, unmarked on a phone that keeps it
    expect(await text(page, RAISED)).toBe(siteClock(fault.raisedAt))
    expect(await texts(page, NOTIFICATIONS)).toContainEqual(
      expect.stringMatching(/告警产生 · 已送达（Webhook）$/),
    )
    await expectChinesePage(page, 'main .facts dd, main .history li')
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'words-alert-detail-phone-zh')

    await switchLanguage(page, 'en')
    expect(await text(page, SUMMARY)).toBe('Port 1 fault: short circuit')
    expect(await text(page, LAST_VALUE)).toBe('short circuit')
    const english = (await text(page, 'main')) ?? ''
    for (const raw of ['short_circuit', 'webhook delivered', '{"']) expect(english).not.toContain(raw)
    expect(english).toContain('Raised · delivered (webhook)')
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'words-alert-detail-phone-en')
    await switchLanguage(page, 'zh-CN')
  })

  it('says who acknowledged an alert whose page was then not sent, by their display name', async () => {
    const page = await openSignedIn(`/alerts/${alerts.acked!.id}`)
    await page.waitForSelector(NOTIFICATIONS)
    expect(await text(page, SUMMARY)).toBe('2 号端口故障：过流')
    await pollUntil(
      async () =>
        (await texts(page, NOTIFICATIONS)).some((n) => n.endsWith('告警产生 · 未发送：王师傅 已确认')),
      { what: 'the dropped page naming 王师傅, not wang.crew' },
    )
    await expectChinesePage(page, 'main .facts dd, main .history li')
    await switchLanguage(page, 'en')
    expect(await texts(page, NOTIFICATIONS)).toContainEqual(
      expect.stringMatching(/Raised · not sent: acknowledged by 王师傅$/),
    )
  })

  it('says the engine’s own stop of an overheating port as a command, with how it ended', async () => {
    const overheat = alerts.overheat!
    const page = await openSignedIn(`/alerts/${overheat.id}`)
    await page.waitForSelector(ALERT_COMMANDS)
    expect(await text(page, SUMMARY)).toBe('3 号端口温度过高：80°C')
    expect(await texts(page, ALERT_COMMANDS)).toContainEqual(
      expect.stringMatching(/停止 3 号端口充电 · 自动保护 · 设备已执行$/),
    )
    await expectChinesePage(page, 'main .facts dd, main .history li')
    await screenshot(page, 'words-overheat-detail-phone-zh')
  })

  it('says a device’s events, its command log and the answers to commands sent from the page in Chinese, and in English', async () => {
    const page = await openSignedIn(`/devices/${pile.id}`)
    await page.waitForSelector(EVENTS)
    expect(await texts(page, EVENTS)).toContainEqual(expect.stringMatching(/1 号端口故障：短路$/))
    // a stop the pile does, a disable it refuses with its own reason
    await page.selectOption('select[name=command]', 'stop_port')
    await page.selectOption('select[name=command-port]', '2')
    await page.click('[data-action="send-command"]')
    await page.waitForSelector('[data-answer="ok"]', { timeout: 15_000 })
    expect(await text(page, '[data-answer]')).toBe('设备已执行：停止 2 号端口充电')
    await page.selectOption('select[name=command]', 'disable_port')
    await page.selectOption('select[name=command-port]', '4')
    await page.click('[data-action="send-command"]')
    await page.waitForSelector('[data-answer="refused"]', { timeout: 15_000 })
    expect(await text(page, '[data-answer]')).toBe('未执行：设备拒绝执行：“port 4 is busy”')
    // the crew member by display name (the page asks for the names once it shows a person)
    await pollUntil(
      async () => (await texts(page, DEVICE_COMMANDS)).filter((c) => c.includes(' · 王师傅 · ')).length >= 2,
      { what: 'both commands, sent by 王师傅, in the log' },
    )
    const log = await texts(page, DEVICE_COMMANDS)
    expect(log).toContainEqual(expect.stringMatching(/停止 2 号端口充电 · 王师傅 · 设备已执行$/))
    expect(log).toContainEqual(
      expect.stringMatching(/停用 4 号端口 · 王师傅 · 设备拒绝执行：“port 4 is busy”$/),
    )
    expect(log).toContainEqual(expect.stringMatching(/停止 3 号端口充电 · 自动保护 · 设备已执行$/))
    // the device's own words are quoted as its, not an English sentence of ours
    await expectChinesePage(page, 'main .history li, main .alert-what, main [data-answer]', [
      '“port 4 is busy”',
    ])
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'words-device-phone-zh')

    await switchLanguage(page, 'en')
    await page.waitForSelector(EVENTS)
    const english = (await text(page, 'main')) ?? ''
    for (const raw of ['port_fault', 'short_circuit', 'stop_port', '{"']) expect(english).not.toContain(raw)
    expect(await texts(page, EVENTS)).toContainEqual(expect.stringMatching(/Port 1 fault: short circuit$/))
    expect(await texts(page, DEVICE_COMMANDS)).toContainEqual(
      expect.stringMatching(/Stop charging on port 2 · 王师傅 · done by the device$/),
    )
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'words-device-phone-en')
  })

  it('says why a command to a device that is offline, or that never answers, did nothing', async () => {
    const offline = await openSignedIn(`/devices/${offlinePile.id}`)
    await offline.waitForSelector('[data-action="send-command"]')
    await offline.selectOption('select[name=command]', 'ping')
    await offline.click('[data-action="send-command"]')
    await offline.waitForSelector('[data-answer="refused"]')
    expect(await text(offline, '[data-answer]')).toBe(
      '未执行：设备没有连接，指令没有发出（不会在设备上线后补发）',
    )
    await expectChinesePage(offline, 'main [data-answer], main .history li')

    const hung = await openSignedIn(`/devices/${screen.id}`)
    await hung.waitForSelector('[data-action="send-command"]')
    await hung.selectOption('select[name=command]', 'set_brightness')
    await hung.click('[data-action="send-command"]')
    // the service waits 10 s for an ack (protocol: Commands)
    await hung.waitForSelector('[data-answer="refused"]', { timeout: 20_000 })
    expect(await text(hung, '[data-answer]')).toBe(
      '未执行：设备没有在等待时间内应答；它之后是否执行了，见下方指令记录',
    )
    await pollUntil(async () => (await texts(hung, DEVICE_COMMANDS)).some((c) => c.includes('王师傅')), {
      what: 'the timed-out command in the log, sent by 王师傅',
    })
    expect(await texts(hung, DEVICE_COMMANDS)).toContainEqual(
      expect.stringMatching(/亮度调到 80% · 王师傅 · 设备没有按时应答$/),
    )
    await expectChinesePage(hung, 'main [data-answer], main .history li')
    await screenshot(hung, 'words-command-timeout-phone-zh')
  }, 60_000)

  it('lists a display_hardware alert’s evidence on its page line by line, in Chinese and in English', async () => {
    // the controller reports a failed fan, two dead LED modules and a sagging 5 V rail
    await publish(screenClient, screen.id, 'telemetry', {
      ts: Date.now(),
      kind: 'outdoor-display',
      powerOn: true,
      screen: 'playing',
      fanOk: false,
      failedModules: 2,
      supplyVoltageV: 4.2,
    })
    const raised = await pollUntil(
      async () =>
        (
          await api<{ items: Alert[] }>(
            svc,
            'GET',
            `/api/v1/alerts?deviceId=${screen.id}&type=display_hardware`,
          )
        ).items[0],
      { what: 'the display_hardware alert' },
    )
    const page = await openSignedIn(`/alerts/${raised.id}`)
    const lines = () => texts(page, '.alert-detail [data-field="evidence"] li')
    await page.waitForSelector('.alert-detail [data-field="evidence"] li')
    expect(await lines()).toEqual(['风扇故障', '故障显示模组 2 块', '供电电压 4.2 V，超出 4.5–5.5 V'])
    expect(await text(page, '.alert-detail [data-label="alert.evidence"]')).toBe('判断依据')
    await expectChinesePage(page, 'main .facts dd, main .history li')
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'words-display-hardware-evidence-phone-zh')
    await switchLanguage(page, 'en')
    expect(await lines()).toEqual(['fan failed', 'failed LED modules: 2', 'supply 4.2 V, outside 4.5–5.5 V'])
    await screenshot(page, 'words-display-hardware-evidence-phone-en')
    await switchLanguage(page, 'zh-CN')
  })

  it('tells times in the site’s clock, with its zone, on a browser set to another', async () => {
    const fault = alerts.fault!
    const page = await openSignedIn(`/alerts/${fault.id}`, DESK, 'UTC')
    await page.waitForSelector(RAISED)
    expect(await text(page, RAISED)).toBe(`${siteClock(fault.raisedAt)}（UTC+8）`)
    for (const t of await texts(page, '.alert-detail .history li time')) expect(t).toMatch(/（UTC\+8）$/)
    await switchLanguage(page, 'en')
    expect(await text(page, RAISED)).toMatch(/ \(UTC\+8\)$/)
    await screenshot(page, 'words-alert-detail-utc-browser-desk-en')
  })

  it('makes the shed chart’s value axis wide enough for "1,000 W"', async () => {
    const page = await openSignedIn(`/sites/${shedId}`, DESK)
    const chart = `.pile[data-device-id="${pile.id}"] .chart`
    await page.waitForSelector(`${chart} canvas`)
    const px = async (name: string) => Number(await page.getAttribute(chart, name))
    // the axis and its labels are measured in separate draws: wait for both (under load they come apart)
    await pollUntil(async () => (await px('data-y-axis-px')) > 0 && (await px('data-y-label-px')) > 0, {
      timeoutMs: 15_000,
      what: 'the axis and its labels drawn',
    })
    // the feeder's 1,180 W: the axis is ticked up to at least "1,000 W"
    const fit = await page.evaluate(`(() => {
      const ctx = document.createElement('canvas').getContext('2d')
      ctx.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif'
      return ctx.measureText('1,000 W').width
    })()`)
    expect(await px('data-y-label-px')).toBeGreaterThanOrEqual((fit as number) - 1)
    // room for the widest label, the 10 px tick and the 5 px gap
    expect(await px('data-y-axis-px')).toBeGreaterThanOrEqual((await px('data-y-label-px')) + 15)
    await screenshot(page, 'words-shed-chart-desk')
  })
})
