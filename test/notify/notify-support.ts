// A notifier on a real alerts.db in a temp dir, a driven clock, a typed bus, and a real HTTP receiver.
// Alert changes are committed to alerts.db by the real alert store on a second connection (the engine's
// thread has its own) before they are announced on the bus, as the engine does.
import { createHmac } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { Registry as MetricsRegistry } from 'prom-client'
import { afterEach, beforeEach } from 'vitest'
import { type AlertsDb, openAlertsDb } from '../../alerts/db.ts'
import { type AlertStore, createAlertStore } from '../../alerts/store.ts'
import type { Alert, AlertTransition, TransitionKind } from '../../domain/alerts.ts'
import type { AlertBus, AlertBusEvents, AlertChange } from '../../domain/bus.ts'
import { createNotifyConfigStore, type NotifyConfigStore } from '../../notify/config-store.ts'
import { createNotifier, type Notifier, type NotifierDeps } from '../../notify/notifier.ts'
import type { NotificationRoute, SiteInfo } from '../../notify/types.ts'

/** NOTIFY_WEBHOOK_ALLOW_NETS for tests whose receivers listen on this machine */
export const LOOPBACK = ['127.0.0.1', '::1']

export const T0 = Date.UTC(2026, 10, 21, 11, 0, 0)
export const SEC = 1000
export const MIN = 60_000

export const SITES: Record<string, SiteInfo> = {
  'acme-shed': { tenantId: 'acme', name: 'Shed A', community: 'Garden Court', utcOffsetMin: 480 },
  'acme-shed-2': { tenantId: 'acme', name: 'Shed B', community: 'Garden Court', utcOffsetMin: 480 },
  'bravo-hall': { tenantId: 'bravo', name: 'Day Hall', community: 'River Row', utcOffsetMin: 480 },
}

export interface Received {
  url: string
  headers: IncomingHttpHeaders
  raw: string
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary JSON bodies
  body: any
}

/**
 * A real HTTP receiver on 127.0.0.1; `answer` queues the next answers (then 200 {"errcode":0}).
 * `beforeAnswer` runs once a request is read, before it is answered; `statusFor` answers a request it
 * returns a status for with that status (before the queued answers).
 */
export async function startReceiver(
  port = 0,
  opts: { beforeAnswer?: (r: Received) => void; statusFor?: (r: Received) => number | undefined } = {},
) {
  const received: Received[] = []
  const answers: { status: number; body: string }[] = []
  let hang = false
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const r: Received = { url: req.url ?? '', headers: req.headers, raw, body: JSON.parse(raw) }
      received.push(r)
      opts.beforeAnswer?.(r)
      if (hang) return
      const own = opts.statusFor?.(r)
      const a = (own === undefined ? undefined : { status: own, body: '{}' }) ??
        answers.shift() ?? { status: 200, body: '{"errcode":0,"errmsg":"ok"}' }
      res.writeHead(a.status, { 'content-type': 'application/json' })
      res.end(a.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const actual = (server.address() as AddressInfo).port
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    received,
    answer: (...s: number[]) => answers.push(...s.map((status) => ({ status, body: '{}' }))),
    answerBody: (status: number, body: unknown) => answers.push({ status, body: JSON.stringify(body) }),
    hangForever: () => {
      hang = true
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>

/**
 * A misbehaving receiver on 127.0.0.1. `silent`: reads each request and never answers. `stall`: answers
 * 200 with its headers and a first byte, then sends nothing more. `flood`: answers 200 and then streams
 * the body without end (at the pace the client reads it). `open` counts the
 * requests whose connection is still open; `written` the body bytes handed to the sockets.
 */
export async function startBadReceiver(mode: 'silent' | 'stall' | 'flood') {
  const stats = { requests: 0, open: 0, closed: 0, written: 0 }
  const server: Server = createServer((req, res) => {
    stats.requests += 1
    stats.open += 1
    res.on('close', () => {
      stats.open -= 1
      stats.closed += 1
    })
    req.resume()
    if (mode === 'silent') return
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      if (mode === 'stall') {
        res.write('{')
        return
      }
      const chunk = Buffer.alloc(16 * 1024, 'x')
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) stats.written += chunk.length
        if (!res.destroyed) {
          stats.written += chunk.length
          res.once('drain', pump)
        }
      }
      pump()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export const hmacHex = (secret: string, raw: string) => createHmac('sha256', secret).update(raw).digest('hex')

let seq = 0
export function makeAlert(over: Partial<Alert> = {}): Alert {
  seq += 1
  return {
    id: `alr-${seq}`,
    type: 'smoke',
    severity: 'critical',
    state: 'active',
    deviceId: 'pile-01',
    siteId: 'acme-shed',
    message: 'smoke detected',
    raisedAt: T0,
    count: 1,
    updatedAt: T0,
    ...over,
  }
}

export function change(
  alert: Alert,
  kind: TransitionKind,
  at: number,
  extra: Partial<AlertTransition> = {},
): AlertChange {
  return {
    alert,
    transition: {
      alertId: alert.id,
      kind,
      at,
      by: kind === 'acknowledged' ? 'user:crew' : 'system',
      ...extra,
    },
    tenantId: SITES[alert.siteId]?.tenantId ?? 'acme',
  }
}

/**
 * Stores an alert change as the engine does (the alert row and its transition, one transaction), without
 * announcing it. The dedup key is the alert's id: tests raise alerts freely.
 */
export function commitChange(store: AlertStore, c: AlertChange): void {
  store.transaction(() => {
    const a = { ...c.alert, tenantId: c.tenantId, key: c.alert.id }
    if (store.get(a.id)) store.update(a)
    else store.insert(a)
    store.addTransition(c.transition)
  })
}

export interface NotifyHarness {
  /** the notifier's connection (config, queries, its busy timeout) */
  db: AlertsDb
  /** the engine's: alerts and their transitions */
  engine: AlertStore
  dir: string
  bus: AlertBus
  clock: { t: number }
  config: NotifyConfigStore
  metrics: MetricsRegistry
  notifier: Notifier
  /** commits the change to alerts.db as the engine does, then announces it on the bus */
  emit(c: AlertChange): void
  /** commits the change to alerts.db without announcing it (the process died before) */
  commit(c: AlertChange): void
  /** sets the clock and runs a tick */
  tickAt(t: number): Promise<void>
  /** ticks every `stepMs` (30 s unless given) from `from` to `to` inclusive */
  tickEvery(from: number, to: number, stepMs?: number): Promise<void>
  route(over: Partial<NotificationRoute> & { channelIds: string[] }): NotificationRoute
  webhook(
    url: string,
    over?: { format?: 'json' | 'wecom' | 'dingtalk' | 'feishu'; secret?: string; tenantId?: string },
  ): string
  /**
   * A new notifier on the same alerts.db. `crash`: the old one is not stopped but cut off, as a killed
   * process is: it hears no more bus events, is never ticked, and what it held in memory is gone.
   */
  restart(over?: Partial<NotifierDeps>, how?: 'stop' | 'crash'): void
  metric(name: string, labels?: Record<string, string>): Promise<number>
  close(): Promise<void>
}

export function startNotifyHarness(over: Partial<NotifierDeps> = {}): NotifyHarness {
  const dir = mkdtempSync(join(tmpdir(), 'courtyard-notify-'))
  const db = openAlertsDb(join(dir, 'alerts.db'))
  const engineDb = openAlertsDb(join(dir, 'alerts.db'))
  const engine = createAlertStore(engineDb)
  const bus: AlertBus = new EventEmitter<AlertBusEvents>()
  // each notifier hears the harness's bus through its own, so a crashed one can be cut off
  let heard: AlertBus = new EventEmitter<AlertBusEvents>()
  bus.on('change', (c) => heard.emit('change', c))
  const crashed: Notifier[] = []
  const clock = { t: T0 }
  const now = () => clock.t
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })
  let metrics = new MetricsRegistry()
  const make = (o: Partial<NotifierDeps>) =>
    createNotifier({
      db,
      bus: heard,
      getSite: (id) => SITES[id],
      log,
      metrics,
      now,
      httpTimeoutMs: 2000,
      // the middle of the jitter range: retries are due between 5 and 10 s after the first failure
      random: () => 0.5,
      // the receivers listen on loopback, which the notifier refuses unless allowed (webhook-guard.ts)
      webhookAllowNets: LOOPBACK,
      ...over,
      ...o,
    })
  let notifier = make({})
  const config = createNotifyConfigStore(db, now)
  const commit = (c: AlertChange) => commitChange(engine, c)
  const h: NotifyHarness = {
    db,
    engine,
    dir,
    bus,
    clock,
    config,
    get metrics() {
      return metrics
    },
    get notifier() {
      return notifier
    },
    emit: (c) => {
      commit(c)
      bus.emit('change', c)
    },
    commit,
    async tickAt(t) {
      clock.t = t
      await notifier.tick(t)
    },
    async tickEvery(from, to, stepMs = 30 * SEC) {
      for (let t = from; t <= to; t += stepMs) {
        clock.t = t
        await notifier.tick(t)
      }
    },
    route: (o) =>
      config.createRoute({
        tenantId: 'acme',
        name: 'crew',
        minSeverity: 'warning',
        repeatEveryMin: {},
        notifyOnClear: true,
        enabled: true,
        ...o,
      }),
    webhook: (url, o = {}) =>
      config.createChannel({
        tenantId: o.tenantId ?? 'acme',
        name: `hook ${o.format ?? 'json'}`,
        type: 'webhook',
        config: { url, format: o.format ?? 'json' },
        secret: 'secret' in o ? o.secret : 'top-secret',
      }).id,
    restart(o = {}, how = 'stop') {
      if (how === 'crash') crashed.push(notifier)
      else void notifier.stop()
      heard = new EventEmitter<AlertBusEvents>()
      metrics = new MetricsRegistry()
      notifier = make(o)
    },
    async metric(name, labels = {}) {
      const m = await metrics.getSingleMetric(name)?.get()
      const v = m?.values.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l))
      return v?.value ?? 0
    },
    async close() {
      await notifier.stop()
      for (const n of crashed) await n.stop()
      engineDb.close()
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return h
}

/**
 * A fresh harness and one receiver for each test of the calling describe block, closed after it; `set`
 * hands them to the block's variables.
 */
export function eachWithReceiver(set: (h: NotifyHarness, rx: Receiver) => void): void {
  let current: { h: NotifyHarness; rx: Receiver } | undefined
  beforeEach(async () => {
    current = { h: startNotifyHarness(), rx: await startReceiver() }
    set(current.h, current.rx)
  })
  afterEach(async () => {
    await current?.h.close()
    await current?.rx.close()
    current = undefined
  })
}
