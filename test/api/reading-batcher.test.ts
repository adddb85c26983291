// The reading batcher's decisions (pure apart from its timer): per site, in order, early when a batch is
// full, everything on flush, nothing after stop.
import { describe, expect, it } from 'vitest'
import { createReadingBatcher } from '../../api/reading-batcher.ts'
import type { LiveReading } from '../../domain/live-events.ts'
import { until } from '../support/poll.ts'

const r = (deviceId: string, siteId: string, seq: number) =>
  ({ deviceId, siteId, kind: 'circuit-monitor', reading: { seq } }) as unknown as LiveReading
const seqs = (rs: LiveReading[]) => rs.map((x) => x.reading.seq)

describe('reading batcher', () => {
  it('holds readings per site and hands them on in order, the site whose first reading came first first', () => {
    const sent: [string, number[]][] = []
    const b = createReadingBatcher({ intervalMs: 60_000, send: (site, rs) => sent.push([site, seqs(rs)]) })
    b.add(r('d1', 's2', 1))
    b.add(r('d2', 's1', 2))
    b.add(r('d1', 's2', 3))
    expect(sent).toEqual([])
    b.flush()
    expect(sent).toEqual([
      ['s2', [1, 3]],
      ['s1', [2]],
    ])
    b.flush()
    expect(sent).toHaveLength(2)
    b.stop()
  })

  it('sends a site’s batch at once when it is full, and the rest on the tick', async () => {
    const sent: [string, number[]][] = []
    const b = createReadingBatcher({
      intervalMs: 20,
      maxReadings: 3,
      send: (site, rs) => sent.push([site, seqs(rs)]),
    })
    for (let i = 1; i <= 4; i++) b.add(r('d1', 's1', i))
    expect(sent).toEqual([['s1', [1, 2, 3]]])
    await until(() => sent.length === 2, { what: 'the tick' })
    expect(sent).toEqual([
      ['s1', [1, 2, 3]],
      ['s1', [4]],
    ])
    b.stop()
  })

  it('drops what it holds when stopped', async () => {
    const sent: string[] = []
    const b = createReadingBatcher({ intervalMs: 10, send: (site) => sent.push(site) })
    b.add(r('d1', 's1', 1))
    b.stop()
    // a later batch's tick proves the stopped one's timer is gone
    b.add(r('d1', 's9', 2))
    await until(() => sent.length > 0, { what: 'the later tick' })
    expect(sent).toEqual(['s9'])
    b.stop()
  })
})
