// One device: a field's history over a chosen range (downsampled with `every` for long ranges), its
// events, alerts and command audit, live readings, and the commands a crew may send with the answer.
import { batch, computed, signal } from '@preact/signals'
import type { CommandName } from '../../../domain/protocol.ts'
import { type Api, explain, failureOf } from '../api.ts'
import { createFrameQueue } from '../frame-queue.ts'
import type { Live } from '../live.ts'
import type { Failure } from '../parts/error-text.ts'
import type {
  Alert,
  CommandRecord,
  Device,
  DeviceEvent,
  DeviceKind,
  LearnedLoad,
  ListAnswer,
  Telemetry,
} from '../types.ts'
import { compareAlerts } from '../types.ts'
import { createLoadState } from './load-state.ts'

/** Chart fields (protocol field paths); `port:` fields take a port number. Each has a `field.*` label. */
export type FieldPath =
  | 'feeder.powerW'
  | 'feeder.leakageMA'
  | 'port:powerW'
  | 'port:tempC'
  | 'ambientC'
  | 'powerW'
  | 'powerFactor'
  | 'currentThdPct'
  | 'currentA'
  | 'voltageV'
  | 'co2Ppm'
  | 'tempC'
  | 'humidityPct'
  | 'pm25Ugm3'
  | 'occupancy'
  | 'cabinetTempC'
  | 'brightnessPct'
  | 'supplyVoltageV'

/** Chart fields per kind. */
export const FIELDS: Record<DeviceKind, readonly FieldPath[]> = {
  'charging-pile': ['feeder.powerW', 'feeder.leakageMA', 'port:powerW', 'port:tempC', 'ambientC'],
  'circuit-monitor': ['powerW', 'powerFactor', 'currentThdPct', 'currentA', 'voltageV'],
  'daycare-sensor': ['co2Ppm', 'tempC', 'humidityPct', 'pm25Ugm3', 'occupancy'],
  'outdoor-display': ['cabinetTempC', 'brightnessPct', 'supplyVoltageV', 'humidityPct'],
}

/** protocol: which kinds accept which command (domain/protocol.ts COMMANDS_BY_KIND, kept type-only here) */
export const COMMANDS: Record<DeviceKind, readonly CommandName[]> = {
  'charging-pile': ['stop_port', 'enable_port', 'disable_port', 'ping'],
  'circuit-monitor': ['ping'],
  'daycare-sensor': ['ping'],
  'outdoor-display': ['set_power', 'set_brightness', 'ping'],
}

/** the kinds whose power the stray-wire check watches: a circuit monitor's, a shed's unmetered load */
export const STRAY_WIRE_KINDS: readonly DeviceKind[] = ['circuit-monitor', 'charging-pile']

export const RANGES = {
  '1h': { ms: 3600_000 },
  '6h': { ms: 6 * 3600_000, every: '1m' },
  '24h': { ms: 86_400_000, every: '5m' },
  '7d': { ms: 7 * 86_400_000, every: '30m' },
} as const
export type RangeKey = keyof typeof RANGES

/** The value of a field path in a reading (`feeder.powerW`, `port:tempC` with a port). */
export function fieldValue(r: Record<string, unknown>, field: string, port: number): number | undefined {
  if (field.startsWith('port:')) {
    const p = (r.ports as { port: number }[] | undefined)?.find((x) => x.port === port) as
      | Record<string, unknown>
      | undefined
    const v = p?.[field.slice(5)]
    return typeof v === 'number' ? v : undefined
  }
  let v: unknown = r
  for (const k of field.split('.')) v = (v as Record<string, unknown> | undefined)?.[k]
  return typeof v === 'number' ? v : undefined
}

export interface StoredEvent {
  ts: number
  event: string
  [k: string]: unknown
}

export function createDeviceStore(deps: { api: Api; live: Live; id: string; now?: () => number }) {
  const now = deps.now ?? Date.now
  const path = `/devices/${encodeURIComponent(deps.id)}`
  const device = signal<Device | undefined>(undefined)
  const field = signal('')
  const port = signal(1)
  const range = signal<RangeKey>('1h')
  const columns = signal<number[][]>([[], []])
  const tick = signal(0)
  const events = signal<StoredEvent[]>([])
  const alerts = signal<Map<string, Alert>>(new Map())
  const commands = signal<CommandRecord[]>([])
  /**
   * the device's answer to the last command sent here: `error` is the device's own reason for refusing;
   * `failure` why there was no answer (offline, timed out, not sent), worded by the page in its language
   */
  const answer = signal<
    | { name: string; args: Record<string, unknown>; ok: boolean; error?: string; failure?: Failure }
    | undefined
  >(undefined)
  const sending = signal(false)
  const error = signal<string | undefined>(undefined)
  /** what the stray-wire check takes for this circuit's normal (learned, or told when clearing an alert) */
  const learned = signal<LearnedLoad[]>([])
  /** why undoing one failed, worded by the page */
  const learnedFailure = signal<Failure | undefined>(undefined)
  /** the load being undone now: a second tap on it sends nothing more */
  const forgetting = signal<string | null>(null)
  const learnedPath = `${path}/stray-wire/learned`
  let detach = () => {}

  const loadSeries = async () => {
    const r = RANGES[range.value]
    const f = field.value
    const res = await deps.api.get<{ points: { ts: number; value: number | null }[] }>(`${path}/telemetry`, {
      field: f.startsWith('port:') ? f.slice(5) : f,
      port: f.startsWith('port:') ? port.value : undefined,
      from: now() - r.ms,
      every: 'every' in r ? r.every : undefined,
    })
    const pts = res.points.filter((p) => p.value !== null)
    columns.value = [pts.map((p) => p.ts / 1000), pts.map((p) => p.value as number)]
    tick.value++
  }
  const loadCommands = async () => {
    commands.value = (await deps.api.get<ListAnswer<CommandRecord>>(`${path}/commands`, { limit: 20 })).items
  }

  const apply = (
    items: (
      | { t: 'reading'; r: Telemetry }
      | { t: 'event'; e: DeviceEvent }
      | { t: 'alert'; a: Alert }
      | { t: 'status'; online: boolean }
    )[],
  ) =>
    batch(() => {
      for (const x of items) {
        const d = device.value
        if (!d) return
        if (x.t === 'reading') {
          device.value = {
            ...d,
            online: true,
            lastSeen: x.r.ts,
            reading: x.r as unknown as Record<string, unknown>,
          }
          const v = fieldValue(x.r as unknown as Record<string, unknown>, field.value, port.value)
          const [ts, vs] = columns.value
          // only the live range grows; longer ranges are averages that one reading does not change
          if (
            range.value === '1h' &&
            v !== undefined &&
            ts &&
            vs &&
            (!ts.length || x.r.ts / 1000 > ts[ts.length - 1]!)
          ) {
            ts.push(x.r.ts / 1000)
            vs.push(v)
            tick.value++
          }
        } else if (x.t === 'event')
          events.value = [x.e as unknown as StoredEvent, ...events.value].slice(0, 100)
        else if (x.t === 'alert') alerts.value = new Map(alerts.value).set(x.a.id, x.a)
        else device.value = { ...d, online: x.online }
      }
    })
  const queue = createFrameQueue(apply)
  let n = 0
  // the device's alerts and events: until they answer, the page cannot say "none"
  const lists = createLoadState(async () => {
    const [ev, al] = await Promise.all([
      deps.api.get<ListAnswer<StoredEvent>>(`${path}/events`, { from: now() - 7 * 86_400_000, limit: 50 }),
      deps.api.get<ListAnswer<Alert>>('/alerts', { deviceId: deps.id, state: 'all', limit: 50 }),
    ])
    batch(() => {
      events.value = ev.items
      // live alerts that came in meanwhile are newer than the list
      alerts.value = new Map([...al.items.map((a) => [a.id, a] as const), ...alerts.value])
    })
  })

  const learnedLoad = createLoadState(async (isCurrent) => {
    const res = await deps.api.get<{ items: LearnedLoad[] }>(learnedPath)
    if (isCurrent()) learned.value = res.items
  })

  return {
    device,
    learned,
    learnedLoad,
    learnedFailure,
    forgetting,
    field,
    port,
    range,
    columns,
    tick,
    events,
    commands,
    answer,
    sending,
    error,
    lists,
    alerts: computed(() => [...alerts.value.values()].sort(compareAlerts)),
    choose(next: { field?: string; port?: number; range?: RangeKey }) {
      if (next.field !== undefined) field.value = next.field
      if (next.port !== undefined) port.value = next.port
      if (next.range !== undefined) range.value = next.range
      void loadSeries().catch((err) => (error.value = explain(err)))
    },
    async send(name: CommandName, args: Record<string, unknown>) {
      sending.value = true
      answer.value = undefined
      try {
        const res = await deps.api.post<{ id: string; ok: boolean; error?: string }>(`${path}/commands`, {
          name,
          args,
        })
        answer.value = { name, args, ok: res.ok, error: res.error }
      } catch (err) {
        answer.value = { name, args, ok: false, failure: failureOf(err) }
      } finally {
        sending.value = false
        void loadCommands().catch(() => undefined)
      }
    },
    /** forget one: such a load is taken for a charger again */
    async forget(sig: string) {
      if (forgetting.value !== null) return
      forgetting.value = sig
      learnedFailure.value = undefined
      try {
        learned.value = (
          await deps.api.del<{ items: LearnedLoad[] }>(`${learnedPath}/${encodeURIComponent(sig)}`)
        ).items
      } catch (err) {
        learnedFailure.value = failureOf(err)
      } finally {
        forgetting.value = null
      }
    },
    async start() {
      try {
        const d = await deps.api.get<Device>(path)
        device.value = d
        field.value = FIELDS[d.kind][0]!
      } catch (err) {
        error.value = explain(err)
        return
      }
      const series = loadSeries().catch((err) => (error.value = explain(err)))
      void loadCommands().catch(() => undefined)
      await Promise.all([
        lists.load(),
        series,
        STRAY_WIRE_KINDS.includes(device.value.kind) ? learnedLoad.load() : undefined,
      ])
      detach = deps.live.attach([{ deviceId: deps.id }], {
        reading: (m) => m.deviceId === deps.id && queue.put(`r${n++}`, { t: 'reading', r: m.reading }),
        event: (m) => m.deviceId === deps.id && queue.put(`e${n++}`, { t: 'event', e: m.event }),
        alert: (a) => {
          if (a.deviceId !== deps.id) return
          queue.put(`a:${a.id}`, { t: 'alert', a })
          // a stray-wire alert cleared as not charging (here or elsewhere) taught the circuit a load
          if (a.type === 'stray_wire_charging' && a.state === 'cleared') void learnedLoad.load()
        },
        'device-status': (m) => m.deviceId === deps.id && queue.put('s', { t: 'status', online: m.online }),
      })
    },
    dispose() {
      lists.dispose()
      learnedLoad.dispose()
      detach()
      queue.dispose()
    },
  }
}

export type DeviceStore = ReturnType<typeof createDeviceStore>
