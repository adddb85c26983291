import { describe, expect, it } from 'vitest'
import { createAlertStore, createStrayWireFeedback, openAlertsDb } from '../../alerts/index.ts'

const MIN = 60_000
/** 2026-01-05 18:13 at UTC+8 */
const RAISED = Date.UTC(2026, 0, 5, 10, 13, 0)
const UTC8 = 8 * 60

describe("a crew's answer to a stray-wire alert", () => {
  const db = openAlertsDb(':memory:')
  createAlertStore(db) // its rule-state table is read by what the detector learned
  const fb = createStrayWireFeedback(db)
  const from = (id: string, evidence: Record<string, unknown>) => ({
    alertId: id,
    deviceId: 'circuit-1',
    raisedAt: RAISED,
    evidence,
    lastValue: 200,
  })

  it('"lights" are on from when the load came on, not from the raise or the clear', () => {
    // raised at 18:13 after 9 min of the load, cleared at 19:40
    const sig = fb.teach(
      from('a1', { levelW: 212.4, heldMin: 9 }),
      'lights',
      'crew-7',
      RAISED + 87 * MIN,
      UTC8,
    )
    expect(sig.window).toEqual({ fromMin: 18 * 60 + 4, toMin: 6 * 60 + 4 })
    expect(sig.firstTs).toBe(RAISED - 9 * MIN)
    expect(sig.lastTs).toBe(RAISED + 87 * MIN)
    expect(sig.levelW).toBe(212)
  })

  it('an alert without the minutes held (older evidence) is taught from its raise', () => {
    const sig = fb.teach(from('a2', { levelW: 150 }), 'lights', 'crew-7', RAISED + 5 * MIN, UTC8)
    expect(sig.window).toEqual({ fromMin: 18 * 60 + 13, toMin: 6 * 60 + 13 })
    expect(sig.firstTs).toBe(RAISED)
  })

  it('a compressor or equipment has no window', () => {
    expect(
      fb.teach(from('a3', { levelW: 150, heldMin: 4 }), 'compressor', 'crew-7', RAISED, UTC8).window,
    ).toBeNull()
  })
})
