// Review (review48e): the engine's skim (engine-batches.ts, engine-skim.ts) end to end. The same spool,
// a circuit monitor every 5 s with a charger and readings decodeMessage rejects among them, through an
// engine with the catalogue's rules (which skims) and one with the same rules behind a wrapper (which
// decodes every reading): the same alerts, the same counts of messages evaluated and rejected.
import { afterAll, describe, expect, it } from 'vitest'
import { evaluateDevice, evaluateOffline } from '../../../alerts/rules/index.ts'
import { defaultResolveSettings } from '../../../alerts/settings.ts'
import type { EvaluateDevice } from '../../../alerts/types.ts'
import { type EngineHarness, startEngineHarness } from './harness.ts'

const S = 1000
const MIN = 60_000
/** 2026-01-05 19:00 at UTC+8 (the catalogue's default offset): evening. */
const EVENING = Date.UTC(2026, 0, 5, 11, 0, 0)
const harnesses: EngineHarness[] = []

/** Lamps (20 W, PF 0.95), a rectifier charger (160 W, PF 0.62, THD 78 %) from minute 5 to minute 30. */
function reading(ts: number, seq: number) {
  const on = ts >= EVENING + 5 * MIN && ts < EVENING + 30 * MIN
  const powerW = 20 + (on ? 160 - ((ts - EVENING) / MIN) * 0.3 : 0) + (seq % 3)
  return JSON.stringify({
    ts,
    seq,
    kind: 'circuit-monitor',
    circuit: 'B3-stairwell',
    voltageV: 228.1,
    powerW: Number(powerW.toFixed(1)),
    powerFactor: on ? 0.62 : 0.95,
    currentThdPct: on ? 78 : 8,
  })
}

/** What the device sends at reading `k`: mostly plain readings; some that decodeMessage rejects. */
function payload(k: number): string {
  const ts = EVENING + k * 5 * S
  const plain = reading(ts, k)
  switch (k % 97) {
    case 11: // 10 min ahead: rejected (ts_future); a skim that took it would move the reading clock
      return reading(ts + 10 * MIN, k)
    case 23: // a power factor out of range
      return plain.replace('"powerFactor":', '"powerFactor":2,"x":')
    case 41: // cut short
      return plain.slice(0, 40)
    case 59: // `ts` given twice, the last 10 min ahead
      return plain.replace('}', `,"ts":${ts + 10 * MIN}}`)
    case 73: // late: an older reading again
      return reading(ts - 30 * S, k)
    case 83: // 31 days old: rejected (ts_too_old), though as late it moves nothing
      return reading(ts - 31 * 24 * 60 * MIN, k)
    default:
      return plain
  }
}

async function run(evaluate: EvaluateDevice) {
  const h = await startEngineHarness({
    rules: { evaluateDevice: evaluate, evaluateOffline, resolveSettings: defaultResolveSettings },
  })
  harnesses.push(h)
  await h.registry.provisionDevice({
    id: 'circuit-1',
    kind: 'circuit-monitor',
    siteId: 'shed-a',
    reportIntervalS: 5,
  })
  for (let k = 0; k < 45 * 12; k++) {
    h.clock.now = EVENING + k * 5 * S + 300
    await h.append('circuit-1', 'telemetry', payload(k))
  }
  await h.drained()
  const messages = await h.metrics.getSingleMetric('courtyard_alert_engine_messages_total')!.get()
  return {
    changes: h.changes.map((c) => ({
      type: c.alert.type,
      kind: c.transition.kind,
      message: c.alert.message,
      evidence: c.alert.evidence,
    })),
    messages: Object.fromEntries(messages.values.map((v) => [String(v.labels.outcome), v.value])),
  }
}

afterAll(async () => {
  for (const h of harnesses) await h.close()
})

describe('the skim through the engine (review48e)', () => {
  it('reaches the alerts and counts that decoding every reading reaches', async () => {
    const skimming = await run(evaluateDevice)
    const decoding = await run((state, input) => evaluateDevice(state, input))
    expect(skimming).toEqual(decoding)
    expect(skimming.changes.some((c) => c.type === 'stray_wire_charging' && c.kind === 'raised')).toBe(true)
    // 45 min of readings every 5 s; 5 in 97 rejected
    expect(skimming.messages.rejected).toBeGreaterThanOrEqual(25)
  }, 120_000)
})
