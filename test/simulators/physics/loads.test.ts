import { describe, expect, it } from 'vitest'
import {
  type ChargerParams,
  chargerLoadEndMs,
  chargerSession,
  cleaningMachine,
  combineLoads,
  electricHeater,
  ledLighting,
  localMinuteOfDay,
  maybeTopUp,
  meterReading,
  pileElectronics,
  randomChargerParams,
  sampleChargerStartMinuteOfDay,
  withFilterCaps,
} from '../../../simulators/physics/loads.ts'
import { mulberry32, noiseAt, normal, rngFor } from '../../../simulators/physics/random.ts'

const MIN = 60_000
const T0 = Date.parse('2026-01-05T20:00:00+08:00')

describe('seeded randomness', () => {
  it('repeats the same stream for the same seed and differs for another', () => {
    const a = mulberry32(42)
    const b = mulberry32(42)
    const c = mulberry32(43)
    const xs = Array.from({ length: 5 }, () => a())
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs)
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs)
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true)
  })

  it('draws normals with about the asked mean and spread', () => {
    const rng = rngFor('normal-test')
    const xs = Array.from({ length: 20_000 }, () => normal(rng, 10, 2))
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length)
    expect(mean).toBeCloseTo(10, 1)
    expect(sd).toBeGreaterThan(1.9)
    expect(sd).toBeLessThan(2.1)
  })

  it('gives the same stateless noise for a (seed, n) pair whatever the order of calls', () => {
    const forward = [1, 2, 3].map((n) => noiseAt(9, n))
    const backward = [3, 2, 1].map((n) => noiseAt(9, n)).reverse()
    expect(backward).toEqual(forward)
  })
})

describe('e-bike charger sessions', () => {
  const rng = rngFor('charger-physics')
  const sessions = Array.from({ length: 300 }, () => randomChargerParams(rng, T0))

  it('steps up to 120–350 W of constant current within the first minute, with PF 0.5–0.75 and THD 60–120 %', () => {
    for (const p of sessions) {
      const s = chargerSession(p).at(T0 + 30_000)
      const [lo, hi] = p.chemistry === 'lithium' ? [130, 350] : [120, 300]
      expect(s.powerW).toBeGreaterThanOrEqual(lo * 0.98)
      expect(s.powerW).toBeLessThanOrEqual(hi * 1.02)
      expect(s.powerFactor).toBeGreaterThanOrEqual(0.5 * 0.85)
      expect(s.powerFactor).toBeLessThanOrEqual(0.75)
      expect(s.thdPct).toBeGreaterThanOrEqual(60)
      expect(s.thdPct).toBeLessThanOrEqual(120 * 1.05)
      expect(chargerSession(p).at(T0 - MIN).powerW).toBe(0)
    }
  })

  it('lasts 6–10 h for lead-acid with a 1–3 h taper down to a float under 20 W', () => {
    for (const p of sessions.filter((s) => s.chemistry === 'lead-acid')) {
      expect(p.totalMin).toBeGreaterThanOrEqual(360)
      expect(p.totalMin).toBeLessThanOrEqual(600)
      expect(p.taperMin).toBeGreaterThanOrEqual(60)
      expect(p.taperMin).toBeLessThanOrEqual(180)
      const model = chargerSession(p)
      const floatAt = T0 + (p.ccMin + p.taperMin + 1) * MIN
      expect(model.at(floatAt).powerW).toBeLessThan(20)
      // the taper is slow: half-way through it still draws a good share of the CC power
      const mid = model.at(T0 + (p.ccMin + p.taperMin / 4) * MIN).powerW
      expect(mid).toBeGreaterThan(0.3 * p.ccPowerW)
      expect(model.at(T0 + (p.totalMin + 1) * MIN).powerW).toBe(0)
    }
  })

  it('cuts a lithium charge off after 4–6 h with a shorter taper', () => {
    for (const p of sessions.filter((s) => s.chemistry === 'lithium')) {
      const chargeMin = p.ccMin + p.taperMin
      expect(chargeMin).toBeGreaterThanOrEqual(240)
      expect(chargeMin).toBeLessThanOrEqual(360)
      expect(p.taperMin).toBeLessThanOrEqual(60)
      const end = chargerLoadEndMs(p)
      expect(chargerSession(p).at(end + MIN).powerW).toBeLessThan(2)
      expect(chargerSession(p).at(end - 30 * MIN).powerW).toBeGreaterThan(10)
    }
  })

  it('tops up a nearly full pack: the session starts in its taper at the asked share of CC and only falls', () => {
    const topUp = { share: 1, startDraw: [0.5, 0.95], floatMin: [30, 240] } as const
    for (const drawn of sessions) {
      const p = maybeTopUp(drawn, topUp)
      const model = chargerSession(p)
      const ccEnd = p.ccPowerW * (1 + p.ccRise)
      const first = model.at(T0 + 30_000).powerW
      expect(first).toBeGreaterThan(0.5 * ccEnd * 0.97)
      expect(first).toBeLessThan(0.95 * ccEnd * 1.03)
      // no plateau: half an hour in it draws clearly less than it started at (beyond the 1.5 % ripple)
      const later = model.at(T0 + 30 * MIN + 30_000).powerW
      if (chargerLoadEndMs(p) > T0 + 31 * MIN) expect(later).toBeLessThan(first * 0.95)
      // a lithium pack cuts off where its taper ends; the label follows
      if (p.chemistry === 'lithium') expect(model.at(chargerLoadEndMs(p) + MIN).powerW).toBeLessThan(2)
      else expect(model.at(T0 + (p.totalMin - 1) * MIN).powerW).toBeLessThan(20)
    }
    // none at share 0, and the draw is the session's own: the same params give the same top-up
    expect(maybeTopUp(sessions[0] as ChargerParams, { ...topUp, share: 0 })).toBe(sessions[0])
    expect(maybeTopUp(sessions[1] as ChargerParams, topUp)).toEqual(
      maybeTopUp(sessions[1] as ChargerParams, topUp),
    )
  })

  it('lets an active-PFC charger’s filter capacitors lead at light load, not at full load', () => {
    const pfc = withFilterCaps({ ...randomChargerParams(rngFor('pfc-xcap'), T0, undefined, true) }, [12, 12])
    expect(pfc.xCapVar).toBe(12)
    const model = chargerSession(pfc)
    const full = model.at(T0 + 30_000)
    expect(full.leading).toBe(false)
    expect(full.powerFactor).toBeGreaterThan(0.9)
    // deep in the taper the boost stage's lag is a few var and the capacitors' 12 var win
    const end = chargerLoadEndMs(pfc)
    const light = model.at(end - 2 * MIN)
    expect(light.powerW).toBeLessThan(0.2 * pfc.ccPowerW)
    expect(light.leading).toBe(true)
    // a charger without PFC has no such capacitors modelled
    const plain = randomChargerParams(rngFor('plain'), T0)
    expect(withFilterCaps(plain, [12, 12])).toBe(plain)
  })

  it('starts most sessions between 18:00 and 01:00', () => {
    const starts = Array.from({ length: 2000 }, () => sampleChargerStartMinuteOfDay(rng))
    const evening = starts.filter((m) => m >= 18 * 60 || m < 60).length
    expect(evening / starts.length).toBeGreaterThan(0.75)
  })
})

describe('loads that are not charging', () => {
  it('keeps LED corridor lights at 10–60 W with PF above 0.9, on from dusk to dawn', () => {
    const lights = ledLighting({
      powerW: 45,
      powerFactor: 0.93,
      thdPct: 25,
      utcOffsetMin: 480,
      mode: 'dusk-to-dawn',
      onMinuteOfDay: 17 * 60 + 30,
      offMinuteOfDay: 6 * 60 + 30,
      triggersPerHour: 0,
      burstMin: 1,
      seed: 1,
    })
    expect(lights.at(T0)).toMatchObject({ powerW: 45, powerFactor: 0.93 })
    expect(lights.at(Date.parse('2026-01-06T03:00:00+08:00')).powerW).toBe(45)
    expect(lights.at(Date.parse('2026-01-06T12:00:00+08:00')).powerW).toBe(0)
  })

  it('runs a cleaning machine at 800–1500 W for its duration only, with motor PF and THD', () => {
    const cleaner = cleaningMachine({
      startMs: T0,
      durationMin: 25,
      powerW: 1200,
      powerFactor: 0.87,
      thdPct: 30,
      seed: 5,
    })
    const on = Array.from({ length: 25 }, (_, m) => cleaner.at(T0 + m * MIN)).filter((s) => s.powerW > 0)
    expect(on.length).toBeGreaterThan(18)
    for (const s of on) {
      expect(s.powerW).toBeGreaterThanOrEqual(1200 * 0.88)
      expect(s.powerW).toBeLessThanOrEqual(1200 * 1.12)
    }
    expect(cleaner.at(T0 + 25 * MIN).powerW).toBe(0)
  })

  it('cycles a heater on its thermostat at PF ≈ 1', () => {
    const heater = electricHeater({
      startMs: T0,
      durationMin: 120,
      powerW: 1500,
      onMin: 10,
      offMin: 5,
      phaseMin: 0,
      seed: 2,
    })
    const samples = Array.from({ length: 120 }, (_, m) => heater.at(T0 + m * MIN))
    const on = samples.filter((s) => s.powerW > 0)
    expect(on.length).toBe(80)
    expect(on.every((s) => s.powerFactor > 0.99 && s.thdPct < 5)).toBe(true)
  })

  it('keeps a pile’s electronics and shed lighting at or under 60 W', () => {
    const pile = pileElectronics({
      baseW: 25,
      lightingW: 30,
      utcOffsetMin: 480,
      lightsOnMinuteOfDay: 18 * 60,
      lightsOffMinuteOfDay: 6 * 60,
      seed: 3,
    })
    for (let m = 0; m < 1440; m += 7) expect(pile.at(T0 + m * MIN).powerW).toBeLessThanOrEqual(60)
  })
})

describe('summing loads on a circuit', () => {
  it('keeps a charger’s harmonic current when a resistive heater dilutes its THD', () => {
    const chargerAlone = combineLoads([{ powerW: 200, powerFactor: 0.6, thdPct: 100 }], 230)
    const withHeater = combineLoads(
      [
        { powerW: 200, powerFactor: 0.6, thdPct: 100 },
        { powerW: 1500, powerFactor: 1, thdPct: 0 },
      ],
      230,
    )
    expect(chargerAlone.powerFactor).toBeCloseTo(0.6, 2)
    expect(withHeater.powerW).toBe(1700)
    expect(withHeater.powerFactor).toBeGreaterThan(0.95)
    const harmonicVA = (st: typeof chargerAlone) => {
      const thd = st.thdPct / 100
      return (thd * st.currentA * 230) / Math.sqrt(1 + thd * thd)
    }
    expect(harmonicVA(withHeater)).toBeCloseTo(harmonicVA(chargerAlone), 0)
  })

  it('reads current as P / (V · PF) and quantises like a breaker meter', () => {
    const st = combineLoads([{ powerW: 196, powerFactor: 0.62, thdPct: 78 }], 228.9)
    const r = meterReading(st, 228.9, T0, { seed: 1, gainError: 0, noisePct: 0.003, noiseFloorW: 0.3 })
    expect(r.currentA).toBeCloseTo(r.powerW / (r.voltageV * r.powerFactor), 1)
    expect(Math.abs(r.powerW - 196)).toBeLessThan(5)
    expect(Math.round(r.powerFactor * 100)).toBeCloseTo(r.powerFactor * 100, 6)
  })

  it('converts UTC instants to local minutes of day at UTC+8', () => {
    expect(localMinuteOfDay(Date.parse('2026-01-05T13:30:00Z'), 480)).toBe(21 * 60 + 30)
    expect(localMinuteOfDay(Date.parse('2026-01-05T17:00:00Z'), 480)).toBe(60)
  })
})
