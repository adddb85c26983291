// A device's `online` in GET /devices is the broker's word when the API has a broker to ask: a device
// reports `online` only when it connects, so one connected for longer than the 30 days the stored status
// is read from would otherwise show offline while it keeps sending telemetry.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import pino from 'pino'
import { Registry as MetricsRegistry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createInfluxDeviceState } from '../../api/index.ts'
import { type BrokerHandle, createBroker } from '../../broker/index.ts'
import { pointTimestampNs } from '../../domain/storage.ts'
import { openSpoolWriter, type SpoolWriter } from '../../spool/index.ts'
import { until } from '../support/poll.ts'
import { type Harness, recordingInflux, seedTenants, startHarness } from './api-harness.ts'

const DAY = 86_400_000
const NOW = Date.now()
const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })
let h: Harness
let broker: BrokerHandle
let spool: SpoolWriter
let dir: string
const devices = new Map<string, MqttClient>()
const tags = (device: string) => `tenant=acme,community=cm-1,site=acme-shed,device=${device}`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'courtyard-online-'))
  h = await startHarness({ influxUrl: inject('influxUrl'), isConnected: (id) => broker.isConnected(id) })
  seedTenants(h)
  spool = await openSpoolWriter({ dir: join(dir, 'spool'), maxBytes: 1 << 26, log })
  broker = await createBroker({
    directory: h.registry,
    spool,
    log,
    metrics: new MetricsRegistry(),
    config: { host: '127.0.0.1', mqttPort: 0 },
  })
  // nothing ingests what the devices publish here: InfluxDB holds only the points written below
  const lines: string[] = []
  for (const id of ['pile-long', 'pile-gone']) {
    const { secret } = await h.registry.provisionDevice({ id, kind: 'charging-pile', siteId: 'acme-shed' })
    lines.push(`pile,${tags(id)} feeder.powerW=120,seq=9i ${pointTimestampNs(NOW - 60_000, 9)}`)
    devices.set(
      id,
      await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.ports.mqtt}`, {
        clientId: id,
        username: id,
        password: secret,
        reconnectPeriod: 0,
      }),
    )
  }
  // pile-long reported `online` when it connected, 31 days ago; pile-gone's stored status still says
  // online (a recent point), but it is about to drop its connection
  lines.push(
    `device_status,${tags('pile-long')} online=true,source="device" ${pointTimestampNs(NOW - 31 * DAY, 1)}`,
  )
  lines.push(
    `device_status,${tags('pile-gone')} online=true,source="device" ${pointTimestampNs(NOW - DAY, 1)}`,
  )
  await h.influx.write(lines.join('\n'))
})
afterAll(async () => {
  for (const d of devices.values()) await d.endAsync(true)
  await h?.close()
  await broker?.close()
  await spool?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const online = async (id: string): Promise<boolean> =>
  (await h.call('GET', `/api/v1/devices/${id}`)).body.online

describe('online from the broker', () => {
  it('shows a device connected since before the 30-day window online, in the list and on its own', async () => {
    const res = await h.call('GET', '/api/v1/devices?siteId=acme-shed')
    const byId = Object.fromEntries(res.body.items.map((d: { id: string }) => [d.id, d]))
    expect(byId['pile-long']).toMatchObject({ online: true, lastSeen: NOW - 60_000 })
    expect(byId['pile-gone']).toMatchObject({ online: true })
    expect(await online('pile-long')).toBe(true)
  })

  it('shows a device that disconnected offline, whatever status it stored last', async () => {
    await devices.get('pile-gone')!.endAsync()
    devices.delete('pile-gone')
    await until(() => !broker.isConnected('pile-gone'), { what: 'the broker to see pile-gone go' })
    expect(await online('pile-gone')).toBe(false)
    expect(await online('pile-long')).toBe(true)
  })

  it('asks InfluxDB for no stored status when the broker can say', async () => {
    const statements: string[] = []
    const influx = recordingInflux(h, statements)
    const state = createInfluxDeviceState({ influx, now: Date.now, isConnected: broker.isConnected })
    const out = await state.forDevices([{ id: 'pile-long', kind: 'charging-pile' }])
    expect(out.get('pile-long')).toMatchObject({ online: true, lastSeen: NOW - 60_000 })
    expect(statements.join('\n')).not.toContain('device_status')
  })
})
