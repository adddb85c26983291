// The detector's state is persisted with the engine's rule state and read back after an upgrade: state
// written by the versions before the day profile's harmonic spread (`hSpread`), the second-step watch
// (`alert.next`), the compressor runs' lengths (`watches`, `longestMin`) and an open alert's own harmonic
// current (`alert.harmonicVA`, `beside`) must load, run without a non-finite number, and still find
// chargers.
import { describe, expect, it } from 'vitest'
import {
  arrivesDailyAsHarmonics,
  type DayProfile,
  initialCircuitNormal,
} from '../../alerts/stray-wire-circuit-normal.ts'
import { detectStrayWire } from '../../alerts/stray-wire-detector.ts'
import {
  DEFAULT_STRAY_WIRE_PARAMS,
  initialStrayWireState,
  type StrayWireState,
  type StrayWireVerdict,
} from '../../alerts/stray-wire-types.ts'
import { buildScenario } from '../../eval/stray-wire/families.ts'
import { DAY, DEV_CC_RANGES, MIN } from '../../eval/stray-wire/scenario.ts'

/** The first non-finite number in a plain JSON value, by its path. */
function nonFinite(x: unknown, path = ''): string | undefined {
  if (typeof x === 'number') return Number.isFinite(x) ? undefined : `${path} = ${x}`
  if (x === null || typeof x !== 'object') return undefined
  for (const [k, v] of Object.entries(x)) {
    const bad = nonFinite(v, `${path}.${k}`)
    if (bad) return bad
  }
  return undefined
}

/**
 * The state as the versions before wrote it: no harmonic spread, no second step being watched, no loads
 * followed as compressor runs and no run lengths.
 */
function asPreviousVersion(s: StrayWireState): StrayWireState {
  const old = JSON.parse(JSON.stringify(s)) as StrayWireState
  if (old.normal?.profile) delete old.normal.profile.hSpread
  if (old.alert) {
    delete old.alert.next
    // nor an open alert's own harmonic current, nor what stood before a big load under it
    delete old.alert.harmonicPerW
    delete old.alert.harmonicVA
    delete old.alert.beforeBig
  }
  // nor the loads followed beside a candidate or alert, nor a fall taken beside a young candidate
  delete old.beside
  if (old.candidate) delete old.candidate.fell
  // nor the level a heater's run holds and a step seen on top of it, nor a big load two readings back
  delete old.bigLevel
  delete old.arrivedUnderBig
  delete old.prev2Big
  // nor loads taken for a compressor followed to their end, nor its runs' lengths, nor when its last run
  // counted came on
  if (old.normal) {
    delete old.normal.watches
    for (const sig of old.normal.signatures) {
      delete sig.longestMin
      delete sig.timedRuns
      delete sig.timedTs
      delete sig.runTs
    }
  }
  return old
}

/** The raises' onsets after `upgradeAt`, and any non-finite number met; `upgrade` rewrites the state then. */
function runAcross(upgradeAt: number, upgrade: (s: StrayWireState) => StrayWireState) {
  // LED banks at dusk, compressors, a heater, chargers (some under a load): every path the new fields meet
  const sc = buildScenario('circuit-mixed-stray', 3, 6, DEV_CC_RANGES)
  let state = initialStrayWireState()
  const onsets: number[] = []
  const bad: string[] = []
  for (let t = sc.startMs - DAY; t < sc.startMs + sc.days * DAY; t += MIN) {
    // read back through JSON each minute, as from alerts.db
    if (t === upgradeAt) state = upgrade(state)
    const input = sc.inputAt(t)
    if (!input) continue
    const r = detectStrayWire(state, input, DEFAULT_STRAY_WIRE_PARAMS)
    const b = nonFinite(r.state) ?? nonFinite(r.verdict as StrayWireVerdict | undefined)
    if (b) bad.push(`${new Date(t).toISOString()} ${b}`)
    state = JSON.parse(JSON.stringify(r.state)) as StrayWireState
    if (r.verdict?.kind === 'raise' && t >= upgradeAt) onsets.push(r.verdict.onsetTs)
  }
  return { sc, state, onsets, bad }
}

describe('state persisted by the previous version', () => {
  it('loads, runs without NaN and raises every charger the new version raised when it ran all along', () => {
    const start = buildScenario('circuit-mixed-stray', 3, 6, DEV_CC_RANGES).startMs
    const upgradeAt = start + 2 * DAY
    const upgraded = runAcross(upgradeAt, asPreviousVersion)
    const allAlong = runAcross(upgradeAt, (s) => s)
    expect(upgraded.bad).toEqual([])
    // the profile learns its harmonic spread again from the days after the upgrade
    expect(upgraded.state.normal?.profile?.hSpread?.some((x) => x !== null)).toBe(true)
    const found = (onsets: number[]) =>
      upgraded.sc.sessions.filter(
        (s) => s.startTs >= upgradeAt && onsets.some((o) => o >= s.startTs - 30 * MIN && o <= s.endTs),
      )
    expect(found(allAlong.onsets).length).toBeGreaterThan(0)
    expect(found(upgraded.onsets)).toEqual(found(allAlong.onsets))
  })

  it('a day profile without the harmonic spread tells nothing of daily harmonics, and does not throw', () => {
    // 17:40 at UTC+8; the banks' rise from 5 to 170 VA on earlier evenings, as the old version kept it
    const at = Date.parse('2026-01-12T17:40:00+08:00')
    const day = Math.floor((at / MIN + 480) / 1440)
    const profile: DayProfile = {
      w: Array.from({ length: 48 }, (_, b) => (b >= 35 ? 330 : 20)),
      h: Array.from({ length: 48 }, (_, b) => (b >= 35 ? 170 : 5)),
      day: Array.from({ length: 48 }, (_, b) => (b < 35 ? day : day - 1)),
      spread: Array(48).fill(2),
      acc: { bin: 35, day, w: 20, h: 5, n: 1 },
    }
    const n = { ...initialCircuitNormal(), profile }
    // the same call with the spread known says "the circuit's lights": without it, not yet
    expect(
      arrivesDailyAsHarmonics(
        { ...n, profile: { ...profile, hSpread: Array(48).fill(10) } },
        at,
        at,
        105,
        125,
        5,
        480,
      ),
    ).toBe(true)
    expect(arrivesDailyAsHarmonics(n, at, at, 105, 125, 5, 480)).toBe(false)
  })
})
