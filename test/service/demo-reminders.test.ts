// The demo's terminal reminder follows the service's "payload rejected" warnings: it comes after a burst
// of malformed messages the service rejects, not after one of valid hostile strings, which it stores.
import { describe, expect, it } from 'vitest'
import { demoReminderTimes, reminderWaitMs } from '../../service/demo.ts'
import type { ScenarioPlan } from '../../simulators/index.ts'

const plan = (malformed: { atMs: number; variant: string }[]): ScenarioPlan =>
  new Map([['pile-1', { injections: [], offline: [], malformed }]]) as unknown as ScenarioPlan

describe('the demo terminal reminder', () => {
  it('comes a few seconds after each burst of rejected messages', () => {
    const at = demoReminderTimes(
      plan([
        { atMs: 1_000, variant: 'bad_json' },
        { atMs: 2_000, variant: 'oversize' },
        { atMs: 1_000_000, variant: 'schema_violation' },
      ]),
    )
    expect(at).toEqual([7_000, 1_005_000])
  })

  it('does not come after a burst of valid hostile strings only: the service warned of nothing', () => {
    const at = demoReminderTimes(
      plan([
        { atMs: 1_000, variant: 'hostile_strings' },
        { atMs: 1_000_000, variant: 'bad_json' },
      ]),
    )
    expect(at).toEqual([1_005_000])
  })

  it('waits for the service to set the burst aside and go quiet, however late it comes', () => {
    const last = 100_000
    const cap = last + 65_000
    // nothing rejected since the burst's last message was sent (ingest behind the devices): wait on
    expect(reminderWaitMs(last + 5_000, last, last - 30_000, cap)).toBe(60_000)
    // rejected 2 s ago: 3 s more of quiet, then print
    expect(reminderWaitMs(last + 20_000, last, last + 18_000, cap)).toBe(3_000)
    expect(reminderWaitMs(last + 23_000, last, last + 18_000, cap)).toBe(0)
    // never past the cap (the broker refused the last ones, or the warnings were repeats)
    expect(reminderWaitMs(cap, last, last - 1, cap)).toBe(0)
    expect(reminderWaitMs(cap - 1_000, last, cap - 1_500, cap)).toBe(1_000)
  })
})
