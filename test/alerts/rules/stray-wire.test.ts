import { describe, expect, it } from 'vitest'
import { detectStrayWire } from '../../../alerts/stray-wire-detector.ts'
import { shedInput } from '../../../alerts/stray-wire-input.ts'
import {
  DEFAULT_STRAY_WIRE_PARAMS,
  initialStrayWireState,
  type StrayWireInput,
} from '../../../alerts/stray-wire-types.ts'
import type { RuleSignal } from '../../../alerts/types.ts'
import type { ChargingPileTelemetry } from '../../../domain/protocol.ts'
import { chargerSession } from '../../../simulators/physics/charger.ts'
import type { LoadModel } from '../../../simulators/physics/load-model.ts'
import { ledLighting } from '../../../simulators/physics/loads.ts'
import { charger, circuitSeries, cyclingCompressor } from '../stray-wire-support.ts'
import { brief, circuit, device, local, MIN, pile, run, type Step, settings } from './rules-support.ts'

const CIRCUIT = device('circuit-monitor')
const PILE = device('charging-pile')
const lights = ledLighting({
  powerW: 40,
  powerFactor: 0.95,
  thdPct: 20,
  utcOffsetMin: 480,
  mode: 'always',
  onMinuteOfDay: 0,
  offMinuteOfDay: 0,
  triggersPerHour: 0,
  burstMin: 1,
  seed: 1,
})

const asSteps = (inputs: StrayWireInput[]): Step[] =>
  inputs.map((i) =>
    i.source === 'circuit' ? circuit(i.ts, i.powerW, i.powerFactor, i.currentThdPct) : pile(i.ts),
  )

/** What the detector alone says about the same readings: the rule must report exactly that. */
function detectorVerdicts(inputs: StrayWireInput[]) {
  let state = initialStrayWireState()
  const verdicts = []
  for (const input of inputs) {
    const r = detectStrayWire(state, input, DEFAULT_STRAY_WIRE_PARAMS)
    state = r.state
    if (r.verdict) verdicts.push(r.verdict)
  }
  return verdicts
}

describe('stray_wire_charging on a circuit monitor', () => {
  it('samples a monitor that reports every 10 s once a minute: the same verdicts at the same times', () => {
    // the detector's windows count minutes; six readings a minute must not make them six times shorter
    const from = local('2026-01-05T20:00:00')
    const loads = [lights, chargerSession(charger(local('2026-01-05T20:30:00')))]
    const perMinute = asSteps([...circuitSeries(loads, { fromMs: from, minutes: 600 })])
    const every10s = asSteps(
      [...circuitSeries(loads, { fromMs: from, minutes: 600 })].flatMap((i) =>
        [0, 1, 2, 3, 4, 5].map((k) => ({ ...i, ts: i.ts + k * 10_000 })),
      ),
    )
    const slow = brief(run(CIRCUIT, perMinute).signals)
    const fast = brief(run(CIRCUIT, every10s).signals)
    expect(slow.map((s) => s.action)).toEqual(['raise', 'raise', 'clear'])
    expect(fast).toEqual(slow)
  })

  it('raises major in the evening, rises to critical at 22:00 and clears when the load has gone', () => {
    const from = local('2026-01-05T20:00:00')
    const inputs = [
      ...circuitSeries([lights, chargerSession(charger(local('2026-01-05T20:30:00')))], {
        fromMs: from,
        minutes: 600,
      }),
    ]
    const { signals } = run(CIRCUIT, asSteps(inputs))
    const verdicts = detectorVerdicts(inputs)
    expect(brief(signals).map((s) => [s.action, 'severity' in s ? s.severity : undefined])).toEqual([
      ['raise', 'major'],
      ['raise', 'critical'],
      ['clear', undefined],
    ])
    expect(signals.every((s) => s.type === 'stray_wire_charging' && s.port === undefined)).toBe(true)
    expect(signals.map((s) => s.at)).toEqual(verdicts.map((v) => v.ts))
    expect(signals[0]!.at - local('2026-01-05T20:30:00')).toBeLessThanOrEqual(15 * MIN)
    expect(signals[1]!.at).toBeGreaterThanOrEqual(local('2026-01-05T22:00:00'))
    expect(signals[0]!.message).toContain('B3-stairwell')
  })

  it('raises critical straight away between 22:00 and 06:00', () => {
    const from = local('2026-01-05T22:30:00')
    const inputs = [
      ...circuitSeries([lights, chargerSession(charger(local('2026-01-05T23:00:00')))], {
        fromMs: from,
        minutes: 60,
      }),
    ]
    expect(brief(run(CIRCUIT, asSteps(inputs)).signals)).toEqual([
      {
        action: 'raise',
        type: 'stray_wire_charging',
        severity: 'critical',
        at: detectorVerdicts(inputs)[0]!.ts,
      },
    ])
  })

  it('raises nothing for the corridor lights alone (near miss)', () => {
    const inputs = [...circuitSeries([lights], { fromMs: local('2026-01-05T18:00:00'), minutes: 720 })]
    expect(run(CIRCUIT, asSteps(inputs)).signals).toEqual([])
  })

  it('passes the site’s detector parameters on (a larger minimum step ignores a small charger)', () => {
    const from = local('2026-01-05T20:00:00')
    const inputs = [
      ...circuitSeries([lights, chargerSession(charger(local('2026-01-05T20:30:00')))], {
        fromMs: from,
        minutes: 120,
      }),
    ]
    expect(run(CIRCUIT, asSteps(inputs), settings({ strayWire: { minStepW: 400 } })).signals).toEqual([])
  })

  describe('on a meter that reports the average over each minute (watts only)', () => {
    // a dehumidifier and a fridge cycling for three days: each start and stop mid-minute shows as one
    // partial reading between the levels, which made a learned compressor's start look like a new step
    const from = local('2026-01-05T00:00:00')
    const days = 3
    const to = from + days * 1440 * MIN
    const compressors = [
      cyclingCompressor('dehumidifier', from, to, 240, 4),
      cyclingCompressor('fridge', from, to, 110, 104),
    ]
    const averaged = (loads: LoadModel[]) =>
      asSteps([...circuitSeries(loads, { fromMs: from, minutes: days * 1440, waveform: false, samples: 4 })])
    const afterFirstDay = (signals: RuleSignal[]) =>
      brief(signals).filter((s) => s.action === 'raise' && s.at >= from + 1440 * MIN)

    it('raises nothing for compressors it has seen for a day: their partial minutes are dropped', () => {
      expect(afterFirstDay(run(CIRCUIT, averaged(compressors)).signals)).toEqual([])
    })

    it('still raises a charger of the dehumidifier’s size beside them, a reading later at most', () => {
      const plugged = local('2026-01-07T20:00:30')
      const raised = afterFirstDay(
        run(CIRCUIT, averaged([...compressors, chargerSession(charger(plugged, { ccPowerW: 200 }))])).signals,
      )
      expect(raised.length).toBeGreaterThan(0)
      expect(raised[0]!.at).toBeGreaterThanOrEqual(plugged)
      expect(raised[0]!.at - plugged).toBeLessThanOrEqual(20 * MIN)
    })
  })
})

describe('stray_wire_charging in a shed (feeder minus ports)', () => {
  const from = local('2026-01-05T19:00:00')
  /** Two legit sessions on ports; from `strayAt` (minute) 190 W more on the feeder than on the ports. */
  const shed = (minutes: number, strayAt: number | null, legitAt: number | null): ChargingPileTelemetry[] =>
    Array.from({ length: minutes }, (_, m) => {
      const ports = [
        { port: 1, state: 'charging' as const, powerW: 180 },
        { port: 2, state: 'charging' as const, powerW: 176 },
        { port: 3, state: 'charging' as const, powerW: legitAt !== null && m >= legitAt ? 210 : 0 },
      ]
      const portsW = ports.reduce((a, p) => a + p.powerW, 0)
      const stray = strayAt !== null && m >= strayAt ? 190 : 0
      return {
        ts: from + m * MIN,
        seq: m,
        kind: 'charging-pile',
        feeder: { voltageV: 229, currentA: 2, powerW: portsW + 42 + stray },
        ports,
      }
    })
  const steps = (readings: ChargingPileTelemetry[]): Step[] =>
    readings.map((reading) => ({
      msg: { type: 'telemetry', deviceId: PILE.id, kind: 'charging-pile', reading },
    }))

  it('raises major for a charger on a shed socket, when the detector does', () => {
    const readings = shed(60, 10, null)
    const verdicts = detectorVerdicts(readings.map((r) => shedInput(r)!))
    expect(verdicts.length).toBeGreaterThan(0)
    expect(brief(run(PILE, steps(readings)).signals)).toEqual([
      { action: 'raise', type: 'stray_wire_charging', severity: 'major', at: verdicts[0]!.ts },
    ])
  })

  it('raises nothing for a third legit session that the ports meter (near miss)', () => {
    expect(run(PILE, steps(shed(120, null, 10))).signals).toEqual([])
  })
})
