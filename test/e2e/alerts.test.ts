// Alerts end to end, as `npm start` runs them: a device's fault event and its overheating port raise
// alerts that reach a socket.io client and the API; a person acknowledges; the device clears; a critical
// overheat switches the port off with an audited automatic `stop_port`.
import { createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import mqtt, { type MqttClient } from 'mqtt'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Alert } from '../../domain/alerts.ts'
import type { ClientToServerEvents, ServerToClientEvents } from '../../domain/live-events.ts'
import { influxQuery, rows } from '../support/influx-query.ts'
import { api, createServiceProcess, pollUntil, type ServiceProcess } from '../support/service-process.ts'

const influxUrl = inject('influxUrl')
const db = 'alerts_e2e'

const pileReading = (seq: number, ts: number, hotPort?: { port: number; tempC: number }) => ({
  ts,
  seq,
  kind: 'charging-pile',
  feeder: { voltageV: 229, currentA: 1, powerW: 220, powerFactor: 0.9, energyKWh: 10, leakageMA: 3 },
  ambientC: 22,
  smoke: false,
  ports: [1, 2, 3, 4, 5].map((port) => ({
    port,
    state: port === hotPort?.port ? 'charging' : 'idle',
    powerW: port === hotPort?.port ? 180 : 0,
    tempC: port === hotPort?.port ? hotPort.tempC : 24,
  })),
})

describe('alerts end to end', () => {
  let svc: ServiceProcess
  let pile: { id: string; secret: string }
  let device: MqttClient
  let live: Socket<ServerToClientEvents, ClientToServerEvents>
  const seen: Alert[] = []
  const commands: { id: string; name: string; args: { port?: number } }[] = []
  let seq = 0
  let receiver: Server | undefined
  const t0 = Date.now() - 30 * 60_000

  beforeAll(async () => {
    svc = await createServiceProcess({
      influxUrl,
      db,
      extraEnv: {
        NOTIFY_GROUP_WINDOW_S: '1',
        // the test's webhook receiver listens on loopback
        NOTIFY_WEBHOOK_ALLOW_NETS: '127.0.0.1,::1',
      },
    })
    await svc.start()
    const site = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
      name: 'Shed B',
      community: 'Alert Gardens',
      kind: 'charging-shed',
    })
    pile = await api(svc, 'POST', '/api/v1/devices', {
      id: 'pile-alert-1',
      kind: 'charging-pile',
      siteId: site.id,
    })
    device = await mqtt.connectAsync(svc.mqttUrl, {
      clientId: pile.id,
      username: pile.id,
      password: pile.secret,
    })
    // the pile obeys commands and acknowledges them (protocol: within 10 s)
    await device.subscribeAsync(`devices/${pile.id}/commands`, { qos: 1 })
    device.on('message', (_topic, payload) => {
      const cmd = JSON.parse(payload.toString())
      commands.push(cmd)
      device.publish(`devices/${pile.id}/commands/ack`, JSON.stringify({ id: cmd.id, ok: true }), { qos: 1 })
    })
    live = io(svc.httpUrl, { path: '/socket.io', auth: { token: svc.adminToken }, transports: ['websocket'] })
    live.on('alert', (a) => seen.push(a as Alert))
    const ack = await live.timeout(10_000).emitWithAck('subscribe', { deviceId: pile.id })
    expect(ack).toEqual({ ok: true })
  })
  afterAll(async () => {
    receiver?.close()
    live?.close()
    await device?.endAsync()
    await svc?.kill('SIGTERM')
  })

  const publish = (body: object) =>
    device.publishAsync(
      `devices/${pile.id}/${'event' in body ? 'events' : 'telemetry'}`,
      JSON.stringify(body),
      {
        qos: 1,
      },
    )

  it('raises a port fault live on socket.io and in the API, with raisedAt = the event ts; ack, then the device clears it', async () => {
    const ts = t0 + 60_000
    await publish({
      ts,
      seq: seq++,
      kind: 'charging-pile',
      event: 'port_fault',
      port: 3,
      code: 'over_current',
    })
    const raised = await pollUntil(() => seen.find((a) => a.type === 'port_fault' && a.state === 'active'), {
      what: 'port_fault alert on socket.io',
    })
    expect(raised).toMatchObject({ deviceId: pile.id, port: 3, severity: 'major', raisedAt: ts, count: 1 })

    const list = await api<{ items: Alert[] }>(
      svc,
      'GET',
      `/api/v1/alerts?deviceId=${pile.id}&type=port_fault`,
    )
    expect(list.items.map((a) => a.id)).toEqual([raised.id])

    const acked = await api<Alert>(svc, 'POST', `/api/v1/alerts/${raised.id}/ack`, {
      note: 'crew on the way',
    })
    expect(acked.state).toBe('acknowledged')
    // the service's ADMIN_TOKEN, recorded by its name (README "Roles")
    expect(acked.acknowledgedBy).toBe('token:bootstrap admin (ADMIN_TOKEN)')

    await publish({
      ts: ts + 120_000,
      seq: seq++,
      kind: 'charging-pile',
      event: 'port_fault_cleared',
      port: 3,
      code: 'over_current',
    })
    const cleared = await pollUntil(() => seen.find((a) => a.id === raised.id && a.state === 'cleared'), {
      what: 'the cleared alert on socket.io',
    })
    expect(cleared.clearedAt).toBe(ts + 120_000)
    const detail = await api<{ history: { kind: string; by: string; note?: string }[] }>(
      svc,
      'GET',
      `/api/v1/alerts/${raised.id}`,
    )
    expect(detail.history.map((h) => h.kind)).toEqual(['raised', 'acknowledged', 'cleared'])
    expect(detail.history[1]?.note).toBe('crew on the way')

    // and the change is an annotation in InfluxDB for Grafana
    const notes = await pollUntil(
      async () => {
        const r = rows(
          await influxQuery(influxUrl, db, 'SELECT * FROM "alert_event" WHERE "device" = $d', { d: pile.id }),
        )
        return r.length >= 3 ? r : undefined
      },
      { what: 'alert annotations in InfluxDB' },
    )
    expect(notes.some((n) => n.type === 'port_fault')).toBe(true)
  })

  it('switches a critically hot port off with an automatic, audited stop_port', async () => {
    // 80 °C on port 5 for more than the 1 min hold, one reading every 20 s (event time), live: a
    // protective command goes out only from a reading at most 2 min old
    const start = Date.now() - 90_000
    for (let i = 0; i <= 5; i++) await publish(pileReading(seq++, start + i * 20_000, { port: 5, tempC: 80 }))
    const alert = await pollUntil(
      () => seen.find((a) => a.type === 'port_overheat' && a.severity === 'critical'),
      {
        what: 'critical port_overheat',
      },
    )
    expect(alert.port).toBe(5)
    const stop = await pollUntil(() => commands.find((c) => c.name === 'stop_port'), {
      what: 'stop_port at the pile',
    })
    expect(stop.args.port).toBe(5)
    const detail = await pollUntil(
      async () => {
        const d = await api<{ commands: { name: string; by: string; ok?: boolean; result?: string }[] }>(
          svc,
          'GET',
          `/api/v1/alerts/${alert.id}`,
        )
        return d.commands.some((c) => c.result === 'ok' || c.ok === true) ? d : undefined
      },
      { what: 'the audited command on the alert' },
    )
    expect(detail.commands[0]).toMatchObject({ name: 'stop_port', by: 'auto' })
  })

  it('sends a command from the API and returns the device ack', async () => {
    const res = await api<{ id: string; ok: boolean }>(svc, 'POST', `/api/v1/devices/${pile.id}/commands`, {
      name: 'disable_port',
      args: { port: 2 },
    })
    expect(res.ok).toBe(true)
    expect(commands.some((c) => c.id === res.id && c.name === 'disable_port')).toBe(true)
  })

  it('notifies a crew webhook, signed with HMAC-SHA256, when smoke is detected', async () => {
    const bodies: { raw: string; signature?: string; timestamp?: string }[] = []
    receiver = createServer((req, res) => {
      let raw = ''
      req.on('data', (c) => {
        raw += c
      })
      req.on('end', () => {
        bodies.push({
          raw,
          signature: req.headers['x-courtyard-signature'] as string | undefined,
          timestamp: req.headers['x-courtyard-timestamp'] as string | undefined,
        })
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
    const channel = await api<{ id: string; secret: string }>(svc, 'POST', '/api/v1/notification-channels', {
      type: 'webhook',
      name: 'night crew',
      url,
      secret: 'crew-hook-secret-1',
    })
    await api(svc, 'POST', '/api/v1/notification-routes', {
      name: 'all critical',
      minSeverity: 'critical',
      channelIds: [channel.id],
    })
    await publish({ ts: t0 + 20 * 60_000, seq: seq++, kind: 'charging-pile', event: 'smoke_detected' })
    const got = await pollUntil(() => bodies.find((b) => b.raw.includes('smoke')), {
      timeoutMs: 30_000,
      what: 'a webhook delivery for the smoke alert',
    })
    const expected = createHmac('sha256', 'crew-hook-secret-1').update(got.raw).digest('hex')
    expect(got.signature).toBe(`sha256=${expected}`)
    expect(JSON.stringify(JSON.parse(got.raw))).toContain(pile.id)
  })
})
