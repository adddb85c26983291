// A long, deterministic event-time script for one charging pile — ports heating up and cooling down,
// near misses, interrupted cool-downs, port faults coming and going — and the alerts the catalogue
// (docs/domain.md) says it must produce, worked out from the script alone. Nothing here imports the
// engine or its rules: the expectation is an independent reading of the catalogue.
import { intBetween, mulberry32, pick, type Rng } from '../../simulators/physics/random.ts'

/** catalogue: port_overheat major ≥ 65 °C, critical ≥ 75 °C, port tempC held for 1 min; cleared < 55 °C for 5 min */
const MAJOR_C = 65
const CRITICAL_C = 75
const CLEAR_C = 55
const HOLD_MS = 60_000
const CLEAR_HOLD_MS = 5 * 60_000
/** catalogue: port_fault is critical for these codes, major for the others */
const CRITICAL_FAULT_CODES = new Set(['short_circuit', 'leakage', 'over_temperature'])

export const OVERHEAT_PORTS = [1, 2, 3, 4] as const
export const FAULT_PORTS = [5, 6] as const
const FAULT_CODES = ['over_current', 'short_circuit', 'relay_stuck', 'leakage'] as const
/** used only by the fence, so its alert is unmistakably the last thing the pile said */
const FENCE_CODE = 'meter_error'
const PORT_POWER_W = 150

export interface ScriptMessage {
  topic: 'telemetry' | 'events'
  body: { ts: number; seq: number } & Record<string, unknown>
}

export interface PileScript {
  deviceId: string
  messages: ScriptMessage[]
  /** a port_fault after everything else: once its alert shows, the engine has read the whole script */
  fence: ScriptMessage
  /** index in `messages` of each reading */
  readingAt: number[]
}

type Severity = 'major' | 'critical'

export interface ExpectedStep {
  kind: 'raised' | 'severity_changed' | 'cleared'
  at: number
  severity?: Severity
}

export interface ExpectedAlert {
  deviceId: string
  type: 'port_overheat' | 'port_fault'
  port: number
  /** port_fault's code (the alert's lastValue) */
  code?: string
  raisedAt: number
  clearedAt?: number
  severity: Severity
  /** raise signals while open: 1 + escalations (overheat), 1 + repeated faults (port_fault) */
  count: number
  steps: ExpectedStep[]
  /** seq of each message that counted (a QoS 1 redelivery of a port_fault event counts again) */
  countedSeqs: number[]
}

const tenth = (x: number) => Math.round(x * 10) / 10

// temperature bands, with the lines themselves among the values (≥ 65, ≥ 75, < 55 are inclusive/exclusive)
const cool = (rng: Rng) => (rng() < 0.1 ? 54.9 : tenth(20 + rng() * 34))
const lukewarm = (rng: Rng) => (rng() < 0.2 ? 55 : tenth(55 + rng() * 9.9))
const major = (rng: Rng) => (rng() < 0.2 ? 65 : tenth(65 + rng() * 9.9))
const critical = (rng: Rng) => (rng() < 0.2 ? 75 : tenth(75 + rng() * 20))

function* repeat(n: number, temp: () => number): Generator<number> {
  for (let i = 0; i < n; i++) yield temp()
}

/** One port's temperature, reading after reading: cool-downs and hot spells of every kind. */
function* portTemps(rng: Rng): Generator<number> {
  for (;;) {
    // mostly long enough to clear (≥ 5 min at 10–20 s a reading), sometimes too short: the port heats
    // up again while its alert is still open
    yield* repeat(rng() < 0.15 ? intBetween(rng, 4, 14) : intBetween(rng, 30, 45), () => cool(rng))
    if (rng() < 0.25) {
      // a lukewarm blip (55–65 °C) restarts the clear timer
      yield* repeat(intBetween(rng, 1, 3), () => lukewarm(rng))
      yield* repeat(intBetween(rng, 10, 35), () => cool(rng))
    }
    switch (pick(rng, ['major', 'major', 'critical', 'escalate', 'near', 'near', 'lukewarm'] as const)) {
      case 'major':
        // 4 readings span 30–60 s: right at the hold time, either side
        yield* repeat(intBetween(rng, 4, 14), () => major(rng))
        break
      case 'critical':
        yield* repeat(intBetween(rng, 4, 12), () => critical(rng))
        break
      case 'escalate':
        yield* repeat(intBetween(rng, 5, 10), () => major(rng))
        yield* repeat(intBetween(rng, 3, 10), () => critical(rng))
        break
      case 'near':
        // at most 3 readings: at most 40 s hot, under the 1 min hold
        yield* repeat(intBetween(rng, 1, 3), () => (rng() < 0.5 ? major(rng) : critical(rng)))
        break
      case 'lukewarm':
        yield* repeat(intBetween(rng, 3, 10), () => lukewarm(rng))
        break
    }
  }
}

/**
 * A quiet stretch for a port whose alert is open: a blip or two early on (lukewarm, or hot for at most 2
 * readings) restart its cool-down, then it cools down for good and clears only after the stretch. Its
 * rule state changes, yet no alert does; the stretch's readings come 2–4 s apart, so ≤ 60 of them are
 * short of the 5 min clear time.
 */
function* quietTemps(rng: Rng): Generator<number> {
  for (let blips = intBetween(rng, 0, 2); blips > 0; blips--) {
    yield* repeat(intBetween(rng, 1, 3), () => cool(rng))
    if (rng() < 0.6) yield lukewarm(rng)
    else yield* repeat(intBetween(rng, 1, 2), () => (rng() < 0.5 ? major(rng) : critical(rng)))
  }
  for (;;) yield cool(rng)
}

const pileReading = (ts: number, seq: number, temps: Map<number, number>) => ({
  ts,
  seq,
  kind: 'charging-pile',
  // the feeder is Σ ports + 30 W of electronics, always: no unmetered (stray-wire) load, no leakage
  feeder: {
    voltageV: 229,
    currentA: 4.2,
    powerW: 6 * PORT_POWER_W + 30,
    powerFactor: 0.98,
    energyKWh: 100 + seq / 100,
    leakageMA: 2,
  },
  ambientC: 21,
  smoke: false,
  ports: [...OVERHEAT_PORTS, ...FAULT_PORTS].map((port) => ({
    port,
    state: 'charging',
    powerW: PORT_POWER_W,
    tempC: temps.get(port) ?? 30,
  })),
})

/**
 * The script is cut in periods: a busy stretch (hot spells, cool-downs and port events at random), whose
 * last readings heat every overheat port past its hold time, then a quiet stretch in which every port
 * starts the cool-down that clears its alert early in the next busy stretch, and no event comes. During a
 * quiet stretch the engine's rule state changes but no alert does, so it takes no snapshot on a signal:
 * a kill there finds clear timers running that only the spool can give back.
 */
export const PERIOD = { busy: 120, hotTail: 8, quiet: 60 } as const
const PERIOD_READINGS = PERIOD.busy + PERIOD.quiet
/** in a busy stretch, one event after every EVENT_EVERY-th reading: the same slots on every pile */
const EVENT_EVERY = 8

export const isQuiet = (reading: number) => reading % PERIOD_READINGS >= PERIOD.busy

/** `readings` telemetry messages from `t0`, 10–20 s of event time apart (2–4 s in quiet stretches), with port events in between. */
export function pileScript(deviceId: string, seed: number, t0: number, readings: number): PileScript {
  const rng = mulberry32(seed)
  const ports = OVERHEAT_PORTS.map((port) => {
    const prng = mulberry32(seed * 31 + port)
    return { port, rng: prng, busy: portTemps(prng), quiet: quietTemps(prng) }
  })
  const faultOpen = new Set<string>()
  const messages: ScriptMessage[] = []
  const readingAt: number[] = []
  let seq = 0
  let ts = t0
  let tailHot = new Map<number, () => number>()
  for (let i = 0; i < readings; i++) {
    const inPeriod = i % PERIOD_READINGS
    // every stretch starts afresh: a busy one with a cool-down, a quiet one with its blips
    if (inPeriod === 0) for (const p of ports) p.busy = portTemps(p.rng)
    if (inPeriod === PERIOD.busy) for (const p of ports) p.quiet = quietTemps(p.rng)
    if (inPeriod === PERIOD.busy - PERIOD.hotTail)
      tailHot = new Map(
        ports.map((p) => [p.port, p.rng() < 0.7 ? () => major(p.rng) : () => critical(p.rng)]),
      )
    const temps = new Map(
      ports.map((p) => {
        if (inPeriod >= PERIOD.busy) return [p.port, p.quiet.next().value as number]
        // ≥ 8 readings ≥ 65 °C span ≥ 70 s: every port enters the quiet stretch with its alert open
        if (inPeriod >= PERIOD.busy - PERIOD.hotTail) return [p.port, tailHot.get(p.port)!()]
        return [p.port, p.busy.next().value as number]
      }),
    )
    readingAt.push(messages.length)
    messages.push({ topic: 'telemetry', body: pileReading(ts, seq++, temps) })
    const dt = isQuiet(i) ? 2_000 + 1_000 * intBetween(rng, 0, 2) : 10_000 + 2_500 * intBetween(rng, 0, 4)
    if (!isQuiet(i) && i % EVENT_EVERY === EVENT_EVERY - 1) {
      // an event strictly between two readings
      const port = pick(rng, FAULT_PORTS)
      const code = pick(rng, FAULT_CODES)
      const key = `${port}:${code}`
      // open: cleared, or the same fault again; closed: a new fault, or a stray `cleared` (a no-op)
      const fault = faultOpen.has(key) ? rng() < 0.35 : rng() < 0.85
      if (fault) faultOpen.add(key)
      else faultOpen.delete(key)
      const body = {
        ts: ts + 1000 * intBetween(rng, 1, 9),
        seq: seq++,
        kind: 'charging-pile',
        event: fault ? 'port_fault' : 'port_fault_cleared',
        port,
        code,
      }
      messages.push({ topic: 'events', body })
    }
    ts += dt
  }
  const fence: ScriptMessage = {
    topic: 'events',
    body: { ts, seq: seq++, kind: 'charging-pile', event: 'port_fault', port: 6, code: FENCE_CODE },
  }
  return { deviceId, messages, fence, readingAt }
}

interface PortHold {
  majorSince: number | null
  criticalSince: number | null
  coolSince: number | null
  alert?: ExpectedAlert
}

/** The alerts the catalogue asks for, in the order they are raised. */
export function expectedAlerts(script: PileScript): ExpectedAlert[] {
  const deviceId = script.deviceId
  const out: ExpectedAlert[] = []
  const holds = new Map<number, PortHold>()
  const faults = new Map<string, ExpectedAlert>()
  const raise = (a: Omit<ExpectedAlert, 'deviceId' | 'count' | 'steps'>): ExpectedAlert => {
    const alert: ExpectedAlert = {
      deviceId,
      ...a,
      count: 1,
      steps: [{ kind: 'raised', at: a.raisedAt, severity: a.severity }],
    }
    out.push(alert)
    return alert
  }
  for (const { topic, body } of [...script.messages, script.fence]) {
    const { ts, seq } = body
    if (topic === 'events') {
      const port = body.port as number
      const code = body.code as string
      const key = `${port}:${code}`
      const open = faults.get(key)
      if (body.event === 'port_fault') {
        if (open) {
          open.count++
          open.countedSeqs.push(seq)
        } else {
          const severity = CRITICAL_FAULT_CODES.has(code) ? 'critical' : 'major'
          faults.set(
            key,
            raise({ type: 'port_fault', port, code, raisedAt: ts, severity, countedSeqs: [seq] }),
          )
        }
      } else if (open) {
        open.clearedAt = ts
        open.steps.push({ kind: 'cleared', at: ts })
        faults.delete(key)
      }
      continue
    }
    for (const p of body.ports as { port: number; tempC: number }[]) {
      if (!(OVERHEAT_PORTS as readonly number[]).includes(p.port)) continue
      const h = holds.get(p.port) ?? { majorSince: null, criticalSince: null, coolSince: null }
      holds.set(p.port, h)
      const t = p.tempC
      h.majorSince = t >= MAJOR_C ? (h.majorSince ?? ts) : null
      h.criticalSince = t >= CRITICAL_C ? (h.criticalSince ?? ts) : null
      const held: Severity | null =
        h.criticalSince !== null && ts - h.criticalSince >= HOLD_MS
          ? 'critical'
          : h.majorSince !== null && ts - h.majorSince >= HOLD_MS
            ? 'major'
            : null
      if (!h.alert) {
        if (held)
          h.alert = raise({
            type: 'port_overheat',
            port: p.port,
            raisedAt: ts,
            severity: held,
            countedSeqs: [seq],
          })
        continue
      }
      if (held === 'critical' && h.alert.severity === 'major') {
        h.alert.severity = 'critical'
        h.alert.count++
        h.alert.countedSeqs.push(seq)
        h.alert.steps.push({ kind: 'severity_changed', at: ts, severity: 'critical' })
        h.coolSince = null
        continue
      }
      if (t >= CLEAR_C) {
        h.coolSince = null
        continue
      }
      h.coolSince ??= ts
      if (ts - h.coolSince >= CLEAR_HOLD_MS) {
        h.alert.clearedAt = ts
        h.alert.steps.push({ kind: 'cleared', at: ts })
        holds.delete(p.port)
      }
    }
  }
  return out
}
