// A site whose corridor lights switch on at dusk (a photocell): given the site's location and
// `strayWire.lightsAtDusk`, the alert engine of `npm start` takes the LED banks coming on at that evening's
// dusk for the lights on their very first night, where the same banks on a site that did not say so are
// a charger-sized rectifier load out of nowhere. The setting is refused while the site has no location.
import type { MqttClient } from 'mqtt'
import { getTimes } from 'suncalc'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Alert } from '../../domain/alerts.ts'
import { ledBanks } from '../../simulators/physics/appliances.ts'
import { circuitReading } from '../../simulators/physics/meter.ts'
import { connectDevice } from '../support/device-publisher.ts'
import { api, createServiceProcess, pollUntil, type ServiceProcess } from '../support/service-process.ts'

const MIN = 60_000
const UTC_OFFSET_MIN = 480
// Beijing
const WHERE = { lat: 39.9, lon: 116.4 }

/** Local (UTC+8) minute of day of an instant. */
const localMinute = (ts: number) => (((Math.floor(ts / MIN) + UTC_OFFSET_MIN) % 1440) + 1440) % 1440

describe('lights that switch at dusk, from the site’s location', () => {
  let svc: ServiceProcess
  const devices: MqttClient[] = []
  // two days ago (readings may be up to 30 days old): that evening's sunset at the site
  const sunset = getTimes(new Date(Date.now() - 2 * 86_400_000), WHERE.lat, WHERE.lon).sunset!.getTime()
  // three banks of cheap LED fittings (PF 0.55, THD 130 %) on a photocell, 12 minutes after sunset
  const onMinute = localMinute(sunset) + 12
  const banks = ledBanks({
    banks: [
      { powerW: 40, powerFactor: 0.55, thdPct: 130, delayS: 0 },
      { powerW: 42, powerFactor: 0.56, thdPct: 125, delayS: 15 },
      { powerW: 38, powerFactor: 0.55, thdPct: 128, delayS: 30 },
    ],
    utcOffsetMin: UTC_OFFSET_MIN,
    onMinuteOfDay: onMinute + 0.5,
    offMinuteOfDay: 7 * 60,
    jitterMin: 0,
    seed: 5,
  })
  const fromMs = Math.floor(sunset / MIN) * MIN - 2 * 60 * MIN

  /** Five hours of the circuit's one-minute readings around that dusk, sent as its monitor sends them. */
  const publishEvening = async (d: { id: string; secret: string }) => {
    const c = await connectDevice(svc.mqttUrl, d)
    devices.push(c)
    for (let m = 0; m < 5 * 60; m++) {
      const ts = fromMs + m * MIN
      const r = circuitReading(
        [banks],
        ts,
        { nominalV: 228, utcOffsetMin: UTC_OFFSET_MIN, seed: 11 },
        {
          seed: 12,
          gainError: 0.004,
          noisePct: 0.003,
          noiseFloorW: 0.3,
        },
      )
      await c.publishAsync(
        `devices/${d.id}/telemetry`,
        JSON.stringify({
          ts,
          seq: m,
          kind: 'circuit-monitor',
          circuit: 'B1-corridor',
          voltageV: r.voltageV,
          currentA: r.currentA,
          powerW: r.powerW,
          powerFactor: r.powerFactor,
          currentThdPct: r.currentThdPct,
        }),
        { qos: 1 },
      )
    }
  }

  /** A PUT whose answer is checked by the test (api() throws on a 4xx). */
  const putAsIs = (path: string, body: unknown) =>
    fetch(`${svc.httpUrl}${path}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${svc.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  const strayAlerts = async (deviceId: string) =>
    (
      await api<{ items: Alert[] }>(
        svc,
        'GET',
        `/api/v1/alerts?type=stray_wire_charging&deviceId=${deviceId}`,
      )
    ).items

  beforeAll(async () => {
    svc = await createServiceProcess({ influxUrl: inject('influxUrl'), db: 'stray_wire_dusk_e2e' })
    await svc.start()
  })
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.endAsync()))
    await svc?.kill()
  })

  it('refuses lightsAtDusk for a site without a location, saying how to give it one', async () => {
    const site = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
      name: 'Block 7 corridor',
      community: 'Dusk Gardens',
      kind: 'building',
    })
    const res = await putAsIs(`/api/v1/sites/${site.id}/alert-settings`, {
      strayWire: { lightsAtDusk: true },
    })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { message: string }
    expect(body.message).toContain(`site ${site.id} has none`)
    expect(body.message).toContain(`PATCH /api/v1/sites/${site.id}`)
    // and nothing was stored
    const now = await api<{ override: Record<string, unknown> }>(
      svc,
      'GET',
      `/api/v1/sites/${site.id}/alert-settings`,
    )
    expect(now.override).toEqual({})

    // a device of a site without a location may not ask for it either
    const d = await api<{ id: string }>(svc, 'POST', '/api/v1/devices', {
      id: 'circuit-dusk-nowhere',
      kind: 'circuit-monitor',
      siteId: site.id,
    })
    const onDevice = await putAsIs(`/api/v1/devices/${d.id}/alert-settings`, {
      strayWire: { lightsAtDusk: true },
    })
    expect(onDevice.status).toBe(400)
  })

  it('judges a site’s override on its own, not on a device that shares its id', async () => {
    const located = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
      name: 'Block 10 corridor',
      community: 'Dusk Gardens',
      kind: 'building',
      location: WHERE,
    })
    await api(svc, 'POST', '/api/v1/devices', { id: 'twin-id', kind: 'circuit-monitor', siteId: located.id })
    await api(svc, 'PUT', '/api/v1/devices/twin-id/alert-settings', { strayWire: { lightsAtDusk: false } })
    const nowhere = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
      id: 'twin-id',
      name: 'Block 11 corridor',
      community: 'Dusk Gardens',
      kind: 'building',
    })
    const res = await putAsIs(`/api/v1/sites/${nowhere.id}/alert-settings`, {
      strayWire: { lightsAtDusk: true },
    })
    expect(res.status).toBe(400)
  })

  it('takes the banks coming on at that dusk for the lights on their first night, where the site said so', async () => {
    const told = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
      name: 'Block 8 corridor',
      community: 'Dusk Gardens',
      kind: 'building',
    })
    const patched = await api<{ location?: { lat: number; lon: number } }>(
      svc,
      'PATCH',
      `/api/v1/sites/${told.id}`,
      { location: WHERE },
    )
    expect(patched.location).toEqual(WHERE)
    const settings = await api<{ effective: { strayWire: { lightsAtDusk?: boolean } } }>(
      svc,
      'PUT',
      `/api/v1/sites/${told.id}/alert-settings`,
      { strayWire: { lightsAtDusk: true } },
    )
    expect(settings.effective.strayWire.lightsAtDusk).toBe(true)
    // the same place, without the setting
    const silent = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
      name: 'Block 9 corridor',
      community: 'Dusk Gardens',
      kind: 'building',
      location: WHERE,
    })
    const a = await api<{ id: string; secret: string }>(svc, 'POST', '/api/v1/devices', {
      id: 'circuit-dusk-told',
      kind: 'circuit-monitor',
      siteId: told.id,
    })
    const b = await api<{ id: string; secret: string }>(svc, 'POST', '/api/v1/devices', {
      id: 'circuit-dusk-silent',
      kind: 'circuit-monitor',
      siteId: silent.id,
    })
    await publishEvening(a)
    await publishEvening(b)
    // the engine reads the spool in order: once the second circuit's alert is there, the first's
    // evening has been judged too
    const raised = await pollUntil(async () => (await strayAlerts(b.id))[0], {
      timeoutMs: 60_000,
      what: 'the stray-wire alert of the site that did not say its lights follow dusk',
    })
    expect(raised.raisedAt).toBeGreaterThanOrEqual(fromMs + (onMinute - localMinute(fromMs)) * MIN)
    expect(await strayAlerts(a.id)).toEqual([])
  })
})
