// A small estate for the report tests, set up through the service's HTTP API and fed over real MQTT: in
// the `default` tenant a charging shed (its name made to test CSV escaping) with one named pile, and a building
// with a stray-wire circuit; tenant `bravo` with its own shed, pile and sessions. The days are local days
// at UTC+8 (Asia/Shanghai, the default of the alert settings) a few days back, and some messages sit just
// after local midnight, which is before midnight UTC: a report counted in UTC days would differ.
import type { MqttClient } from 'mqtt'
import { connectDevice } from './device-publisher.ts'
import { api, pollUntil, type ServiceProcess } from './service-process.ts'

export const DAY_MS = 86_400_000
const MIN = 60_000
const HOUR = 3_600_000
const OFFSET_MS = 8 * HOUR

/** Today's local date at UTC+8, as a day number (days since 1970-01-01). */
export const localToday = (nowMs = Date.now()) => Math.floor((nowMs + OFFSET_MS) / DAY_MS)
export const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)
/** The instant of local time `hh:mm` on a local day at UTC+8. */
export const at = (day: number, hh: number, mm = 0) => day * DAY_MS - OFFSET_MS + hh * HOUR + mm * MIN

/** Starts with `+` (a formula to a spreadsheet) and holds a comma and quotes: CSV must escape all three. */
export const SHED_NAME = '+1号 "东"棚, 北门'
export const COMMUNITY = '河畔花园'
/** long, as real names are: on a phone's card it takes two lines beside its label */
export const BUILDING_NAME = '东区3号楼（北门菜市场旁，单元门朝南）'
/** the shed's pile has a name: the console names it so, the reports' CSV and API keep its id */
export const PILE_NAME = '东棚1号桩'

export interface ReportEstate {
  shedId: string
  buildingId: string
  bravoShedId: string
  communityId: string
  /** D0 holds only the meter's last reading before D1; D1 and D2 hold the sessions */
  days: { d0: number; d1: number; d2: number }
  tokens: { viewer: string; bravo: string }
  close(): Promise<void>
}

type Body = { ts: number; seq: number } & Record<string, unknown>

export async function seedReportEstate(
  svc: ServiceProcess,
  opts: {
    /** the pile's feeder meter goes back on D0 (120 kWh at 22:00, then its 99 at 23:00): D0 names it */
    meterBackOnD0?: boolean
  } = {},
): Promise<ReportEstate> {
  const today = localToday()
  const days = { d0: today - 4, d1: today - 3, d2: today - 2 }
  const { d0, d1, d2 } = days

  await api(svc, 'POST', '/api/v1/tenants', { id: 'bravo', name: 'Bravo Estates' })
  const shed = await api<{ id: string; communityId: string }>(svc, 'POST', '/api/v1/sites', {
    name: SHED_NAME,
    community: COMMUNITY,
    kind: 'charging-shed',
  })
  const building = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
    name: BUILDING_NAME,
    community: COMMUNITY,
    kind: 'building',
  })
  const bravoShed = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
    tenantId: 'bravo',
    name: 'Bravo shed',
    community: 'River Row',
    kind: 'charging-shed',
  })
  const provision = (id: string, kind: string, siteId: string, name?: string) =>
    api<{ id: string; secret: string }>(svc, 'POST', '/api/v1/devices', {
      id,
      kind,
      siteId,
      name,
      reportIntervalS: 60,
    })
  const pile = await provision('pile-r1', 'charging-pile', shed.id, PILE_NAME)
  const circuit = await provision('circuit-r1', 'circuit-monitor', building.id)
  const bravoPile = await provision('pile-b1', 'charging-pile', bravoShed.id)
  const token = (tenantId: string, role: string) =>
    api<{ token: string }>(svc, 'POST', '/api/v1/tokens', {
      tenantId,
      role,
      name: `${tenantId} ${role}`,
    }).then((t) => t.token)
  const tokens = { viewer: await token('default', 'viewer'), bravo: await token('bravo', 'manager') }

  const clients: MqttClient[] = []
  const send = async (d: { id: string; secret: string }, messages: { topic: string; body: Body }[]) => {
    const c = await connectDevice(svc.mqttUrl, d)
    clients.push(c)
    for (const m of messages)
      await c.publishAsync(`devices/${d.id}/${m.topic}`, JSON.stringify(m.body), { qos: 1 })
  }

  let seq = 0
  const meter = (ts: number, energyKWh: number) => ({
    topic: 'telemetry',
    body: {
      ts,
      seq: seq++,
      kind: 'charging-pile',
      feeder: { voltageV: 229, powerW: 300, energyKWh },
      ports: [{ port: 1, state: 'idle', powerW: 0 }],
    },
  })
  const event = (ts: number, event: string, extra: Record<string, unknown>) => ({
    topic: 'events',
    body: { ts, seq: seq++, kind: 'charging-pile', event, ...extra },
  })
  const ended = event(at(d2, 2), 'session_ended', { port: 2, energyWh: 800, reason: 'full' })
  await send(pile, [
    // the meter: D1 runs 99.0 → 104.5 (5.5 kWh), D2 104.5 → 110.25 (5.75 kWh); 104.8 at 00:30 on D2
    // is 16:30 UTC on D1's date
    ...(opts.meterBackOnD0 ? [meter(at(d0, 22), 120)] : []),
    meter(at(d0, 23), 99),
    meter(at(d1, 8), 100),
    meter(at(d1, 23, 30), 104.5),
    meter(at(d2, 0, 30), 104.8),
    meter(at(d2, 23, 59), 110.25),
    // port 1: a session on D1 (1.2 kWh) and one started on D2 and still running
    event(at(d1, 19), 'session_started', { port: 1 }),
    event(at(d1, 22), 'session_ended', { port: 1, energyWh: 1200, reason: 'full' }),
    // port 2: from 23:00 on D1 to 02:00 on D2 (18:00 UTC on D1's date): it ends, and counts, on D2
    event(at(d1, 23), 'session_started', { port: 2 }),
    ended,
    // a QoS 1 redelivery of the same message (same ts and seq) is stored once and counted once
    ended,
    event(at(d2, 18), 'session_started', { port: 1 }),
    // two port faults on D1: two port_fault alerts in the community
    event(at(d1, 12), 'port_fault', { port: 3, code: 'leakage' }),
    event(at(d1, 12, 5), 'port_fault', { port: 4, code: 'relay_stuck' }),
  ])

  // a charger-shaped load on the building's stairwell circuit on D1 evening: one stray-wire incident
  const circuitMessages = []
  const start = at(d1, 19)
  for (let k = 0; k < 40; k++) {
    const on = k >= 5
    const powerW = 160 * (1 + 0.01 * Math.sin(k))
    circuitMessages.push({
      topic: 'telemetry',
      body: {
        ts: start + k * MIN,
        seq: k,
        kind: 'circuit-monitor',
        circuit: 'B3-stairwell',
        voltageV: 228,
        currentA: on ? powerW / 228 / 0.6 : 0,
        powerW: on ? powerW : 0,
        powerFactor: on ? 0.6 : 1,
        currentThdPct: on ? 100 : 0,
      },
    })
  }
  await send(circuit, circuitMessages)

  // bravo: sessions and a fault the default tenant must never see
  let bseq = 0
  await send(bravoPile, [
    {
      topic: 'events',
      body: { ts: at(d1, 20), seq: bseq++, kind: 'charging-pile', event: 'session_started', port: 1 },
    },
    {
      topic: 'events',
      body: {
        ts: at(d1, 21),
        seq: bseq++,
        kind: 'charging-pile',
        event: 'session_ended',
        port: 1,
        energyWh: 500,
      },
    },
    {
      topic: 'events',
      body: {
        ts: at(d1, 21, 30),
        seq: bseq++,
        kind: 'charging-pile',
        event: 'port_fault',
        port: 2,
        code: 'leakage',
      },
    },
  ])

  return {
    shedId: shed.id,
    buildingId: building.id,
    bravoShedId: bravoShed.id,
    communityId: shed.communityId,
    days,
    tokens,
    async close() {
      for (const c of clients) await c.endAsync(true).catch(() => undefined)
    },
  }
}

/**
 * Waits until the service has stored and evaluated everything seeded: the third session start is in the
 * sessions report and both port faults and the stray-wire incident are in the alerts report, and bravo's
 * session and fault are in its own.
 */
export async function untilReportsHold(svc: ServiceProcess, estate: ReportEstate): Promise<void> {
  const range = `from=${isoDay(estate.days.d0)}&to=${isoDay(estate.days.d2)}`
  const get = async <T>(path: string, token = estate.tokens.viewer) =>
    (await (
      await fetch(`${svc.httpUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as {
      rows?: T[]
    }
  const started = (rows: { started: number }[] = []) => rows.reduce((n, r) => n + r.started, 0)
  await pollUntil(
    async () => {
      const s = await get<{ started: number }>(`/api/v1/reports/sessions?${range}`)
      const a = await get<{ type: string; raised: number }>(`/api/v1/reports/alerts?${range}`)
      const b = await get<{ started: number }>(`/api/v1/reports/sessions?${range}`, estate.tokens.bravo)
      const ba = await get<{ type: string }>(`/api/v1/reports/alerts?${range}`, estate.tokens.bravo)
      const raised = (type: string) => (a.rows ?? []).find((r) => r.type === type)?.raised
      return (
        started(s.rows) === 3 &&
        raised('stray_wire_charging') === 1 &&
        raised('port_fault') === 2 &&
        started(b.rows) === 1 &&
        (ba.rows ?? []).length > 0
      )
    },
    { timeoutMs: 60_000, intervalMs: 250, what: 'the seeded sessions and alerts in the reports' },
  ).catch((err) => {
    throw new Error(`${String(err)}\n--- service output ---\n${svc.output().slice(-3000)}`)
  })
}
