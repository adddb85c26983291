// A console page with 1,000 devices live at the demo's rate, in headless Chromium against the real service
// (its own influxd and service, as bench/device-state.ts): 999 simulated devices (the simulators' sized
// estate, a reading every 10 s each, as `npm run demo`) plus one probe pile that publishes every second with
// its feeder power set to a counter. The estate page (kiosk) watches every site; the probe site's power
// figure tells which probe reading the page shows and since when. Every sample: a full GC in the page, then
// its used JS heap and DOM node count. Prints the heap's slope after the warm-up and the lag of the last
// probe reading shown. Never asserts.
//   node --import tsx bench/live-page.ts [--quick] [--minutes 10] [--sample-s 15]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import mqtt from 'mqtt'
import { pino } from 'pino'
import { chromium } from 'playwright-core'
import { ensureConsoleBuilt } from '../console/index.ts'
import { findInfluxd, INSTALL_HINT, startLocalInfluxd } from '../influx/index.ts'
import { provisionEstate, sizedEstate, startFleet } from '../simulators/index.ts'
import { atExit, installExitHandlers, trackPid } from './children.ts'
import { type HeapSample, heapTrend } from './heap-trend.ts'
import { createDatabase } from './influx-query.ts'
import { post } from './provision.ts'
import { startOurs } from './targets.ts'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    minutes: { type: 'string' },
    'sample-s': { type: 'string' },
  },
})
const minutes = Number(values.minutes ?? (values.quick ? 2 : 10))
const sampleMs = Number(values['sample-s'] ?? (values.quick ? 10 : 15)) * 1000
if (!(minutes > 0) || !(sampleMs > 0)) {
  console.error('--minutes and --sample-s must be positive numbers')
  process.exit(2)
}
// the demo's rate (simulators/estate.ts: `npm run demo` reports every 10 s)
const REPORT_INTERVAL_S = 10
// 999 + the probe: the console asks for its devices and sites in pages of 1,000
const FLEET = { piles: 250, circuits: 400, sensors: 240, displays: 109 }
const PROBE = { siteId: 'lp-probe-shed', deviceId: 'lp-probe-pile' }
const WARM_UP_MS = Math.min(60_000, (minutes * 60_000) / 4)

installExitHandlers()
const bin = findInfluxd(process.env)
if (!bin) {
  console.error(INSTALL_HINT)
  process.exit(2)
}
const work = mkdtempSync(join(tmpdir(), 'courtyard-bench-page-'))
atExit(() => rmSync(work, { recursive: true, force: true }))
ensureConsoleBuilt()
const influxd = await startLocalInfluxd({ dir: join(work, 'influx'), bin })
trackPid(influxd.pid)
await createDatabase(influxd.url, 'bench_page')
mkdirSync(join(work, 'ours'))
const t = await startOurs({
  influxUrl: influxd.url,
  db: 'bench_page',
  dataDir: join(work, 'ours'),
  readyTimeoutMs: 120_000,
})
const log = (s: string) => console.log(`live-page: ${s}`)
log(`service at ${t.httpUrl} (log ${t.logFile}), ${minutes} min, a sample every ${sampleMs / 1000} s`)

const estate = sizedEstate(FLEET, 7, { reportIntervalS: REPORT_INTERVAL_S, prefix: 'lp' })
estate.sites.push({ id: PROBE.siteId, name: 'Probe shed', community: 'Community 1', kind: 'charging-shed' })
const tenantId = 'bench-page'
const devices = await provisionEstate(t.httpUrl, t.adminToken, estate, { tenantId, concurrency: 16 })
const probe = await post(`${t.httpUrl}/api/v1/devices`, t.adminToken, {
  id: PROBE.deviceId,
  kind: 'charging-pile',
  siteId: PROBE.siteId,
  reportIntervalS: 1,
})
log(`provisioned ${estate.sites.length} sites, ${devices.length} + 1 devices`)

const fleet = startFleet({
  url: t.mqttUrl,
  devices,
  seed: 7,
  log: pino({ level: 'silent' }),
  connectSpreadMs: 10_000,
})
const probeClient = await mqtt.connectAsync(t.mqttUrl, {
  clientId: PROBE.deviceId,
  username: PROBE.deviceId,
  password: String(probe.secret),
  reconnectPeriod: 1000,
})
// probe value k (its feeder's W) → when it was published
const sentAt = new Map<number, number>()
let k = 0
const probeTimer = setInterval(() => {
  k = (k % 9_999) + 1
  const ts = Date.now()
  sentAt.set(k, ts)
  probeClient.publish(
    `devices/${PROBE.deviceId}/telemetry`,
    JSON.stringify({
      ts,
      seq: k,
      kind: 'charging-pile',
      feeder: { voltageV: 230, currentA: k / 230, powerW: k },
      ports: [{ port: 1, state: 'charging', powerW: k }],
    }),
    { qos: 1 },
  )
}, 1000)

const user = { username: 'bench.page', password: 'bench live page password 1' }
await post(`${t.httpUrl}/api/v1/users`, t.adminToken, { ...user, role: 'crew', tenantId })
const signIn = await fetch(`${t.httpUrl}/api/v1/session`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(user),
})
const cookie = signIn.headers.get('set-cookie')?.split(';')[0]
if (!signIn.ok || !cookie) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`)
const eq = cookie.indexOf('=')

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
})
try {
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } })
  await ctx.addCookies([{ name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url: t.httpUrl }])
  // the probe card's power figure as last drawn, and when (the page's clock is this machine's)
  await ctx.addInitScript(`window.__probe = { text: '', at: 0 }
    new MutationObserver(() => {
      const el = document.querySelector('[data-site-id="${PROBE.siteId}"] [data-figure="power"]')
      const text = el ? el.textContent : ''
      if (text !== window.__probe.text) window.__probe = { text, at: Date.now() }
    }).observe(document, { childList: true, subtree: true, characterData: true })`)
  const page = await ctx.newPage()
  const cdp = await ctx.newCDPSession(page)
  await page.goto(`${t.httpUrl}/?kiosk=1`)
  await page.waitForSelector(`[data-site-id="${PROBE.siteId}"]`, { timeout: 60_000 })
  const started = Date.now()
  const samples: HeapSample[] = []
  const lags: number[] = []
  log('   t s   heap MB   DOM nodes   probe shown   lag ms   behind')
  while (Date.now() - started < minutes * 60_000) {
    await new Promise((r) => setTimeout(r, sampleMs))
    await cdp.send('HeapProfiler.collectGarbage')
    const { usedSize } = await cdp.send('Runtime.getHeapUsage')
    const { nodes } = await cdp.send('Memory.getDOMCounters')
    const shown = (await page.evaluate('window.__probe')) as { text: string; at: number }
    const shownK = Number(shown.text.replace(/\D/g, ''))
    const sent = sentAt.get(shownK)
    const lag = sent === undefined ? Number.NaN : shown.at - sent
    // how many probe readings were published after the one on screen
    const behind = sent === undefined ? Number.NaN : (k - shownK + 9_999) % 9_999
    const atMs = Date.now() - started
    samples.push({ atMs, usedBytes: usedSize })
    if (atMs >= WARM_UP_MS) lags.push(lag)
    log(
      `${(atMs / 1000).toFixed(0).padStart(6)} ${(usedSize / 1048576).toFixed(2).padStart(9)} ${String(nodes).padStart(11)} ${String(shownK).padStart(13)} ${lag.toFixed(0).padStart(8)} ${String(behind).padStart(8)}`,
    )
  }
  const trend = heapTrend(samples, WARM_UP_MS)
  const stats = fleet.stats()
  const sorted = lags.filter(Number.isFinite).sort((a, b) => a - b)
  const lastLag = lags[lags.length - 1] ?? Number.NaN
  log(
    `${devices.length + 1} devices (${estate.sites.length} sites), fleet connected ${stats.connected}, acked ${stats.acked} readings; heap after warm-up ${trend.firstMb.toFixed(2)} → ${trend.lastMb.toFixed(2)} MB (max ${trend.maxMb.toFixed(2)}), slope ${trend.slopeKbPerMin.toFixed(1)} KB/min over ${trend.samples} samples`,
  )
  log(
    `probe reading → drawn on the page: last ${lastLag.toFixed(0)} ms, median ${sorted[Math.floor(sorted.length / 2)] ?? Number.NaN} ms, max ${sorted[sorted.length - 1] ?? Number.NaN} ms; keeps up: ${sorted.length > 0 && lastLag < 5_000 ? 'yes' : 'NO'}`,
  )
} finally {
  clearInterval(probeTimer)
  await browser.close()
  await probeClient.endAsync(true).catch(() => undefined)
  await fleet.stop(2_000).catch(() => undefined)
  await t.stop()
}
process.exit(0)
