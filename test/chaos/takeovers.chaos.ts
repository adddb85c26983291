// 1,000 devices reconnect at once with takeovers: each device's second connection (same client id) arrives
// while its first is still up, as firmware does after a watchdog reset behind a NAT that kept the old TCP
// connection. The broker closes every old connection, every device ends up online, and every reading the
// broker acknowledged on either connection is stored exactly once.
import type { MqttClient } from 'mqtt'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { circuitReading, connectDevice, type ProvisionedDevice } from '../support/device-publisher.ts'
import { expectExactlyOnce } from '../support/exactly-once.ts'
import { provisionCircuits } from '../support/provision.ts'
import { api, createServiceProcess, pollUntil, type ServiceProcess } from '../support/service-process.ts'
import { chaosRng, report } from './chaos-support.ts'

const NAME = 'takeovers'
const DEVICES = 1_000

/** Every device of the tenant, page after page. */
async function listDevices(svc: ServiceProcess): Promise<{ id: string; online: boolean }[]> {
  const out: { id: string; online: boolean }[] = []
  let cursor: string | undefined
  do {
    const page = await api<{ items: { id: string; online: boolean }[]; next?: string }>(
      svc,
      'GET',
      `/api/v1/devices?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
    )
    out.push(...page.items)
    cursor = page.next
  } while (cursor)
  return out
}

/** In groups of `size`, so that the first connections do not all queue at once. */
async function inGroups<T, R>(items: T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(fn))))
  return out
}

describe(NAME, () => {
  const cleanups: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined)
  })

  it('keeps 1,000 devices online and loses nothing when they all reconnect at once over their old connections', async () => {
    const { rng } = chaosRng(NAME)
    const influxUrl = inject('influxUrl')
    const db = 'chaos_takeovers'
    const svc = await createServiceProcess({
      influxUrl,
      db,
      extraEnv: {
        LOG_LEVEL: 'warn',
        // the whole fleet connects from 127.0.0.1, a thousand at once: past the per-address connect budget
        // sized for one site's router (README "Security"), which would answer CONNACK 3 to the rest
        MQTT_AUTH_ATTEMPTS_PER_S: '100000',
        MQTT_AUTH_ATTEMPTS_BURST: '100000',
        MQTT_AUTH_VERIFY_QUEUE: '100000',
      },
    })
    cleanups.push(() => svc.kill('SIGKILL'))
    await svc.start()
    const devices = await provisionCircuits(svc, 'tk', DEVICES, 8)
    const acked = new Map<string, Set<number>>(devices.map((d) => [d.id, new Set()]))
    const t0 = Date.now() - 20 * 86_400_000
    const clients: MqttClient[] = []
    cleanups.push(async () => {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)))
    })
    // as protocol.md devices: a Will, `online` retained right after connecting, then readings (QoS 1)
    const session = async (d: ProvisionedDevice, seqs: number[]) => {
      const c = await connectDevice(svc.mqttUrl, d, {
        will: true,
        reconnectPeriod: 0,
        connectTimeout: 60_000,
      })
      clients.push(c)
      await c.publishAsync(`devices/${d.id}/status`, 'online', { qos: 1, retain: true })
      for (const seq of seqs) {
        c.publish(
          `devices/${d.id}/telemetry`,
          JSON.stringify(circuitReading(seq, t0 + seq * 1000)),
          { qos: 1 },
          (err) => {
            if (!err) acked.get(d.id)!.add(seq)
          },
        )
      }
      return c
    }
    // a random number of readings per device in each generation
    const perGen = 1 + Math.floor(rng() * 4)
    const first = await inGroups(devices, 100, (d) => session(d, [...Array(perGen).keys()]))
    const closed = first.map((c) => new Promise<void>((res) => c.once('close', () => res())))
    await pollUntil(() => [...acked.values()].every((s) => s.size === perGen), {
      timeoutMs: 60_000,
      what: 'first generation readings acknowledged',
    })

    // all at once, same client ids, while the old connections are up
    const started = Date.now()
    await Promise.all(
      devices.map((d) =>
        session(
          d,
          [...Array(perGen).keys()].map((i) => perGen + i),
        ),
      ),
    )
    const reconnectS = (Date.now() - started) / 1000
    await Promise.all(closed)
    await pollUntil(() => [...acked.values()].every((s) => s.size === 2 * perGen), {
      timeoutMs: 60_000,
      what: 'second generation readings acknowledged',
    })

    const c = await expectExactlyOnce(influxUrl, db, acked)
    let offline: string[] = []
    await pollUntil(
      async () => {
        const list = await listDevices(svc)
        offline = list.filter((d) => !d.online).map((d) => d.id)
        return list.length === DEVICES && offline.length === 0
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'every device online' },
    ).catch(() => undefined)
    report(
      NAME,
      `${DEVICES} devices took over their own connections at once (${reconnectS.toFixed(1)} s), ${perGen} readings per connection; ${DEVICES - offline.length} online, ${offline.length} offline`,
      c,
    )
    expect(offline.slice(0, 10), `${offline.length} devices show offline after the takeover`).toEqual([])
  })
})
