import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { until } from '../spool/helpers.ts'
import { type Harness, startHarness } from './helpers.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ maxBytes: 8 * 1024, segmentBytes: 2048 })
  h.directory.addDevice('pile-001', 'secret-1')
})
afterAll(async () => {
  await h?.close()
})

describe('broker with a full spool', () => {
  it('holds the PUBACK while the spool is full and sends it once the reader commits', async () => {
    const d = await h.connect({ clientId: 'pile-001', username: 'pile-001', password: 'secret-1' })
    const payload = 'x'.repeat(1000)
    let seq = 0
    // fill past the bound one acknowledged publish at a time
    while (!h.spool.stats().blocked) {
      const p = d.publishAsync('devices/pile-001/telemetry', `${seq++}:${payload}`, { qos: 1 })
      await Promise.race([p, until(() => h.spool.stats().blocked)])
    }
    let acked = false
    const appendedBefore = h.spool.stats().appendedRecords
    const held = d.publishAsync('devices/pile-001/telemetry', `${seq++}:${payload}`, { qos: 1 }).then(() => {
      acked = true
    })
    // the publish reached the spool, but the spool cannot make it durable: no PUBACK
    await until(() => h.spool.stats().appendedRecords > appendedBefore)
    expect(h.spool.stats().blocked).toBe(true)
    expect(acked).toBe(false)
    expect(await h.metrics.metrics()).toMatch(/courtyard_spool_blocked 1/)

    // ingest catches up: consume and commit everything
    while (!acked) {
      const batch = await h.reader.next(1000, 50)
      if (batch.length > 0) await h.reader.commit(batch.at(-1)!.pos)
    }
    await held
    expect(acked).toBe(true)
  })
})
