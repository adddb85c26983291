import { describe, expect, it } from 'vitest'
import { detectStrayWire } from '../../alerts/stray-wire-detector.ts'
import { median } from '../../alerts/stray-wire-evidence.ts'
import { circuitInput, shedInput } from '../../alerts/stray-wire-input.ts'
import {
  DEFAULT_STRAY_WIRE_PARAMS,
  initialStrayWireState,
  type StrayWireInput,
} from '../../alerts/stray-wire-types.ts'
import { chargerLoadEndMs, chargerSession } from '../../simulators/physics/charger.ts'
import type { LoadModel } from '../../simulators/physics/load-model.ts'
import {
  cleaningMachine,
  electricHeater,
  ledLighting,
  pileElectronics,
} from '../../simulators/physics/loads.ts'
import { noiseAt } from '../../simulators/physics/random.ts'
import { chargingShed, type PortSession } from '../../simulators/physics/shed.ts'
import {
  charger,
  circuitSeries,
  clears,
  local,
  MIN,
  raisedOnceWithin,
  raises,
  run,
} from './stray-wire-support.ts'

const corridorLights = (powerW = 40): LoadModel =>
  ledLighting({
    powerW,
    powerFactor: 0.95,
    thdPct: 20,
    utcOffsetMin: 480,
    mode: 'dusk-to-dawn',
    onMinuteOfDay: 17 * 60 + 30,
    offMinuteOfDay: 6 * 60 + 30,
    triggersPerHour: 0,
    burstMin: 1,
    seed: 1,
  })

const motionLights: LoadModel = ledLighting({
  powerW: 55,
  powerFactor: 0.92,
  thdPct: 35,
  utcOffsetMin: 480,
  mode: 'motion',
  onMinuteOfDay: 18 * 60,
  offMinuteOfDay: 6 * 60,
  triggersPerHour: 12,
  burstMin: 3,
  seed: 2,
})

const EVENING = local('2026-01-05T18:00:00')

describe('detectStrayWire on a corridor circuit', () => {
  const onset = local('2026-01-05T20:30:17')
  const negatives: { name: string; loads: LoadModel[]; from: number; minutes: number }[] = [
    {
      name: 'a 30-minute vacuum at 1.2 kW',
      loads: [
        corridorLights(),
        cleaningMachine({
          startMs: local('2026-01-05T19:00:00'),
          durationMin: 30,
          powerW: 1200,
          powerFactor: 0.85,
          thdPct: 35,
          seed: 3,
        }),
      ],
      from: EVENING,
      minutes: 180,
    },
    {
      name: 'a 1.5 kW heater cycling on its thermostat for 5 hours',
      loads: [
        corridorLights(),
        electricHeater({
          startMs: local('2026-01-05T19:00:00'),
          durationMin: 300,
          powerW: 1500,
          onMin: 7,
          offMin: 9,
          phaseMin: 0,
          seed: 4,
        }),
      ],
      from: EVENING,
      minutes: 420,
    },
    {
      name: 'two banks of LED lights (PF 0.91, THD 40 %) switching on together at dusk, 120 W',
      loads: [
        ledLighting({
          powerW: 120,
          powerFactor: 0.91,
          thdPct: 40,
          utcOffsetMin: 480,
          mode: 'dusk-to-dawn',
          onMinuteOfDay: 18 * 60,
          offMinuteOfDay: 6 * 60,
          triggersPerHour: 0,
          burstMin: 1,
          seed: 8,
        }),
      ],
      from: local('2026-01-05T12:00:00'),
      minutes: 24 * 60,
    },
    {
      name: 'dusk-to-dawn lights with motion-sensor lights on top, all night',
      loads: [corridorLights(60), motionLights],
      from: local('2026-01-05T12:00:00'),
      minutes: 24 * 60,
    },
  ]

  it.each(negatives)('does not alert on $name', ({ loads, from, minutes }) => {
    const r = run(circuitSeries(loads, { fromMs: from, minutes }))
    expect(r.verdicts).toEqual([])
  })

  it('raises within 15 minutes of a charger plugging in, with the onset and a major severity before 22:00', () => {
    const r = run(
      circuitSeries([corridorLights(), chargerSession(charger(onset))], { fromMs: EVENING, minutes: 180 }),
    )
    const [raise] = raises(r)
    expect(raise).toBeDefined()
    expect(raise!.ts - onset).toBeLessThanOrEqual(15 * MIN)
    expect(Math.abs(raise!.onsetTs - onset)).toBeLessThanOrEqual(MIN)
    expect(raise!.kind === 'raise' && raise!.severity).toBe('major')
  })

  it('raises as critical between 22:00 and 06:00 and escalates an open major alert at 22:00', () => {
    const late = local('2026-01-05T23:10:00')
    const night = run(
      circuitSeries([chargerSession(charger(late))], { fromMs: late - 60 * MIN, minutes: 90 }),
    )
    expect(raises(night).map((v) => v.kind === 'raise' && v.severity)).toEqual(['critical'])

    const evening = local('2026-01-05T21:30:00')
    const r = run(
      circuitSeries([chargerSession(charger(evening))], { fromMs: evening - 30 * MIN, minutes: 90 }),
    )
    const escalate = r.verdicts.find((v) => v.kind === 'escalate')
    expect(raises(r)[0]).toMatchObject({ severity: 'major' })
    expect(escalate?.ts).toBe(local('2026-01-05T22:00:00'))
  })

  it('tolerates missing minutes: a fifth of readings lost and a 6-minute outage after the onset', () => {
    const gaps = (m: number) => noiseAt(77, m) < 0.2 || (m >= 152 && m < 158)
    const r = run(
      circuitSeries([corridorLights(), chargerSession(charger(onset))], {
        fromMs: EVENING,
        minutes: 240,
        gaps,
      }),
    )
    raisedOnceWithin(r, onset, 20)
  })

  it('detects a charger from a device that reports only every 5 minutes', () => {
    const r = run(
      circuitSeries([corridorLights(), chargerSession(charger(onset))], {
        fromMs: EVENING,
        minutes: 240,
        gaps: (m) => m % 5 !== 0,
      }),
    )
    raisedOnceWithin(r, onset, 20)
  })

  it('detects a charger on a basic meter that reports no PF or THD', () => {
    const r = run(
      circuitSeries([corridorLights(), chargerSession(charger(onset))], {
        fromMs: EVENING,
        minutes: 180,
        waveform: false,
      }),
    )
    raisedOnceWithin(r, onset, 15)
  })

  it('sees a charger through a heater cycling on top of it', () => {
    const heater = electricHeater({
      startMs: onset - 20 * MIN,
      durationMin: 300,
      powerW: 1800,
      onMin: 8,
      offMin: 6,
      phaseMin: 0,
      seed: 9,
    })
    const r = run(
      circuitSeries([corridorLights(), heater, chargerSession(charger(onset))], {
        fromMs: EVENING,
        minutes: 240,
      }),
    )
    raisedOnceWithin(r, onset, 30)
  })

  it('clears 10 minutes after a lithium charger cuts off, not before', () => {
    const p = charger(onset, { chemistry: 'lithium', ccMin: 200, taperMin: 40, floatW: 0, totalMin: 400 })
    const gone = chargerLoadEndMs(p)
    const r = run(circuitSeries([corridorLights(), chargerSession(p)], { fromMs: EVENING, minutes: 10 * 60 }))
    expect(raises(r)).toHaveLength(1)
    const [clear] = clears(r)
    expect(clear).toBeDefined()
    expect(clear!.ts - gone).toBeGreaterThanOrEqual(10 * MIN)
    expect(clear!.ts - gone).toBeLessThanOrEqual(12 * MIN)
    expect(clear!.onsetTs).toBe(raises(r)[0]!.onsetTs)
  })

  it('gives the same verdicts when its state is persisted as JSON between readings', () => {
    const inputs = [
      ...circuitSeries([corridorLights(), motionLights, chargerSession(charger(onset))], {
        fromMs: EVENING,
        minutes: 12 * 60,
      }),
    ]
    const live = run(inputs)
    const restored = run(inputs, DEFAULT_STRAY_WIRE_PARAMS, true)
    expect(raises(live)).toHaveLength(1)
    expect(restored.verdicts).toEqual(live.verdicts)
  })

  it('keeps its state JSON-clean when a reading carries NaN', () => {
    const s0 = initialStrayWireState()
    const ts = onset
    const a = detectStrayWire(s0, { source: 'circuit', ts, powerW: Number.NaN }).state
    const b = detectStrayWire(a, {
      source: 'circuit',
      ts: ts + MIN,
      powerW: 40,
      powerFactor: Number.NaN,
      currentThdPct: 20,
    })
    expect(a).toBe(s0)
    expect(JSON.parse(JSON.stringify(b.state))).toEqual(b.state)
  })

  it('ignores a duplicate or late reading instead of stepping back in time', () => {
    const s0 = initialStrayWireState()
    const a: StrayWireInput = {
      source: 'circuit',
      ts: onset,
      powerW: 40,
      powerFactor: 0.95,
      currentThdPct: 20,
    }
    const s1 = detectStrayWire(s0, a, DEFAULT_STRAY_WIRE_PARAMS).state
    const again = detectStrayWire(s1, { ...a, powerW: 400 }, DEFAULT_STRAY_WIRE_PARAMS)
    const late = detectStrayWire(s1, { ...a, ts: onset - MIN }, DEFAULT_STRAY_WIRE_PARAMS)
    expect(again.state).toBe(s1)
    expect(late.state).toBe(s1)
    expect(s0).toEqual(initialStrayWireState())
  })
})

describe('detectStrayWire on a charging shed', () => {
  const from = local('2026-01-05T17:00:00')

  /** 12 ports, all busy from the evening, each port meter off by up to ±2 %. */
  function busyShed(unmetered: LoadModel[]) {
    const ports = Array.from({ length: 12 }, (_, i) => {
      const session: PortSession = {
        charger: charger(from + (20 + 7 * i) * MIN + 13_000, {
          ccPowerW: 150 + 15 * i,
          chemistry: i % 3 === 0 ? 'lithium' : 'lead-acid',
          seed: 100 + i,
        }),
        autoStopW: 25,
      }
      return {
        sessions: [session],
        meter: { seed: 200 + i, gainError: i % 2 === 0 ? 0.02 : -0.02, noisePct: 0.003, noiseFloorW: 0.2 },
      }
    })
    const electronics = pileElectronics({
      baseW: 20,
      lightingW: 25,
      utcOffsetMin: 480,
      lightsOnMinuteOfDay: 17 * 60 + 45,
      lightsOffMinuteOfDay: 6 * 60,
      seed: 7,
    })
    return chargingShed({
      ports,
      unmetered: [electronics, ...unmetered],
      feederMeter: { seed: 300, gainError: 0.008, noisePct: 0.003, noiseFloorW: 0.5 },
      feederSkewMs: 15_000,
      voltageV: () => 229,
    })
  }

  function* shedSeries(shed: ReturnType<typeof busyShed>, minutes: number): Generator<StrayWireInput> {
    for (let m = 0; m < minutes; m++) {
      const ts = from + m * MIN
      const r = shed.at(ts)
      yield {
        source: 'shed',
        ts,
        feederPowerW: r.feeder.powerW,
        portsPowerW: r.ports.reduce((sum, p) => sum + p.powerW, 0),
      }
    }
  }

  it('does not alert on 12 legit sessions whose port meters are each off by ±2 %', () => {
    const r = run(shedSeries(busyShed([]), 14 * 60))
    expect(r.verdicts).toEqual([])
  })

  it('raises on a charger plugged into a shed socket while every port is busy', () => {
    const onset = local('2026-01-05T21:10:40')
    const r = run(shedSeries(busyShed([chargerSession(charger(onset, { ccPowerW: 140 }))]), 8 * 60))
    raisedOnceWithin(r, onset, 15)
  })
})

describe('detector inputs from protocol v1 telemetry', () => {
  it('takes a circuit monitor reading as is and leaves out PF and THD when the device omits them', () => {
    const base = {
      ts: 1_763_712_000_000,
      seq: 17,
      kind: 'circuit-monitor' as const,
      voltageV: 228.9,
      currentA: 1.12,
    }
    expect(circuitInput({ ...base, powerW: 196, powerFactor: 0.62, currentThdPct: 78 })).toEqual({
      source: 'circuit',
      ts: base.ts,
      powerW: 196,
      powerFactor: 0.62,
      currentThdPct: 78,
    })
    expect(circuitInput({ ...base, powerW: 196 })).toEqual({ source: 'circuit', ts: base.ts, powerW: 196 })
  })

  it('sums every port meter of a pile against its feeder', () => {
    const input = shedInput({
      ts: 1_763_712_000_000,
      seq: 881,
      kind: 'charging-pile',
      feeder: { voltageV: 229.6, currentA: 5.02, powerW: 1042 },
      ports: [
        { port: 1, state: 'charging', powerW: 183.2 },
        { port: 2, state: 'full', powerW: 2.5 },
        { port: 3, state: 'idle', powerW: 0 },
      ],
    })
    expect(input).toEqual({ source: 'shed', ts: 1_763_712_000_000, feederPowerW: 1042, portsPowerW: 185.7 })
  })
})

describe('the state the detector hands back', () => {
  // One hidden class for every circuit's state: a state read back from JSON (which drops what is
  // undefined) and one that lived in memory come out of the next reading with the same fields in the
  // same order. Copied by spread instead, they differed, and the detector's property reads went
  // megamorphic: about 3 µs more CPU per reading over mixed field circuits (`npm run bench`, alerts).
  it('has the same fields in the same order whether it was read back from JSON or not', () => {
    const onset = local('2026-01-05T19:00:00')
    const c = chargerSession(charger(onset, { ccPowerW: 150 }))
    const inputs = [...circuitSeries([c], { fromMs: onset - 26 * 60 * MIN, minutes: 27 * 60 })]
    let state = initialStrayWireState()
    for (const x of inputs.slice(0, -1)) state = detectStrayWire(state, x, DEFAULT_STRAY_WIRE_PARAMS).state
    const last = inputs.at(-1)!
    const live = detectStrayWire(state, last, DEFAULT_STRAY_WIRE_PARAMS).state
    const restored = detectStrayWire(JSON.parse(JSON.stringify(state)), last, DEFAULT_STRAY_WIRE_PARAMS).state
    const fresh = detectStrayWire(initialStrayWireState(), last, DEFAULT_STRAY_WIRE_PARAMS).state
    expect(live).toEqual(restored)
    for (const s of [restored, fresh]) {
      expect(Object.keys(s)).toEqual(Object.keys(live))
      expect(Object.keys(s.normal!)).toEqual(Object.keys(live.normal!))
    }
    // a day of background teaches the profile: its fields too, in one order
    expect(live.normal!.profile).toBeDefined()
    expect(Object.keys(restored.normal!.profile!)).toEqual(Object.keys(live.normal!.profile!))
    expect(Object.keys(live)).toContain('motorRiseTs')
  })
})

describe('the median of a candidate’s readings', () => {
  // sorted by insertion (it runs at every reading a candidate is judged): the value a sort by value gives
  it('is the value at the middle of the readings sorted, whatever their order and repeats', () => {
    let seed = 7
    const rnd = (): number => {
      seed = (seed * 16807) % 2147483647
      return seed / 2147483647
    }
    for (let k = 0; k < 500; k++) {
      const xs = Array.from({ length: Math.floor(rnd() * 12) }, () => Math.round(rnd() * 40) / 2 - 5)
      const sorted = [...xs].sort((x, y) => x - y)
      expect(median(xs)).toBe(sorted[Math.floor(xs.length / 2)] ?? 0)
    }
    const xs = [3, 1, 2]
    median(xs)
    expect(xs).toEqual([3, 1, 2])
    expect(median([])).toBe(0)
  })
})
