// Consumers never hold a position beyond what is on disk, and no offset is written twice with different
// bytes: readers read up to the durable end the writer publishes (in its process, or through shared
// memory to another thread), and the writer starts a new segment on every open and after a failed write.
// Real segment files on disk; only the writer's fdatasync is held or failed, through its option.
import { fdatasync, statSync, truncateSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { durableEndCell } from '../../spool/durable-end.ts'
import {
  comparePositions,
  DURABLE_END_BYTES,
  openSpoolReader,
  openSpoolWriter,
  type SpoolPosition,
  type SpoolReader,
  type SpoolReaderOptions,
  type SpoolWriter,
  type SpoolWriterOptions,
} from '../../spool/index.ts'
import { segmentPath } from '../../spool/segment-files.ts'
import { appendAsync, readN, silentLog, tempDir, until } from './helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function setup(prefix: string): string {
  const t = tempDir(prefix)
  cleanups.push(t.remove)
  return t.dir
}

async function writer(opts: SpoolWriterOptions): Promise<SpoolWriter> {
  const w = await openSpoolWriter(opts)
  cleanups.push(() => w.close())
  return w
}

async function reader(opts: Omit<SpoolReaderOptions, 'log'>): Promise<SpoolReader> {
  const r = await openSpoolReader({ log: silentLog, pollMs: 5, ...opts })
  cleanups.push(() => r.close())
  return r
}

/** The writer's fdatasync, which the test can hold (calls wait) and then let run or fail. */
function syncGate() {
  const held: Array<(err?: NodeJS.ErrnoException) => void> = []
  let holding = false
  return {
    held,
    hold() {
      holding = true
    },
    fdatasync(fd: number, cb: (err: NodeJS.ErrnoException | null) => void) {
      if (!holding) {
        fdatasync(fd, cb)
        return
      }
      held.push((err) => (err ? cb(err) : fdatasync(fd, cb)))
    },
    /** Lets the held syncs run, or fails them with `err`. */
    release(err?: NodeJS.ErrnoException) {
      holding = false
      for (const h of held.splice(0)) h(err)
    },
  }
}

const eio = (): NodeJS.ErrnoException =>
  Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })
const text = (entries: { payload: Buffer }[]) => entries.map((e) => e.payload.toString())
const fileSize = (dir: string, segment: number) => statSync(segmentPath(dir, segment)).size

describe('spool durable end', () => {
  // the worker thread's reader gets the end through shared memory (as the alert engine does), the
  // ingest reader from the writer itself
  const wirings = {
    'from the writer in its own process': () => {
      let w: SpoolWriter | undefined
      return { onCommit: undefined, durableEnd: () => w?.durableEnd(), bind: (x: SpoolWriter) => (w = x) }
    },
    'through shared memory from another thread': () => {
      const cell = durableEndCell(new SharedArrayBuffer(DURABLE_END_BYTES))
      return { onCommit: cell.publish, durableEnd: cell.read, bind: () => {} }
    },
  }

  it.each(Object.keys(wirings) as Array<keyof typeof wirings>)(
    'a reader told the end %s returns no record before its batch is synced',
    async (wiring) => {
      const dir = setup('spool-durable')
      const gate = syncGate()
      const end = wirings[wiring]()
      const w = await writer({
        dir,
        maxBytes: 1 << 30,
        log: silentLog,
        fdatasync: gate.fdatasync,
        ...(end.onCommit ? { onCommit: end.onCommit } : {}),
      })
      // a failed test leaves a sync held: the writer's close waits for it
      cleanups.push(() => gate.release())
      end.bind(w)
      const r = await reader({ dir, durableEnd: end.durableEnd })
      await appendAsync(w, 'devices/a/telemetry', Buffer.from('synced'))
      expect(text(await readN(r, 1))).toEqual(['synced'])
      const syncedEnd = fileSize(dir, w.durableEnd().segment)

      gate.hold()
      const acked = appendAsync(w, 'devices/a/telemetry', Buffer.from('written, not synced'))
      await until(() => gate.held.length === 1)
      // the record is in the file (a reader of the file as it is would return it), its sync held
      expect(fileSize(dir, w.durableEnd().segment)).toBeGreaterThan(syncedEnd)
      expect(await r.next(10, 0)).toEqual([])

      gate.release()
      await acked
      const got = await readN(r, 1)
      expect(text(got)).toEqual(['written, not synced'])
      expect(got[0]!.pos).toEqual(w.durableEnd())
    },
  )

  it('after a failed sync refuses the batch, never returns it, and writes the next batch in a new segment', async () => {
    const dir = setup('spool-durable-eio')
    const gate = syncGate()
    const w = await writer({ dir, maxBytes: 1 << 30, log: silentLog, fdatasync: gate.fdatasync })
    cleanups.push(() => gate.release())
    const bounded = await reader({ dir, durableEnd: () => w.durableEnd(), consumer: 'bounded' })
    // a reader that reads the file as it is (no durable end): it meets the failed batch's bytes
    const unbounded = await reader({ dir, consumer: 'unbounded' })
    await appendAsync(w, 'devices/a/telemetry', Buffer.from('one'))
    expect(text(await readN(bounded, 1))).toEqual(['one'])
    expect(text(await readN(unbounded, 1))).toEqual(['one'])

    gate.hold()
    const refused = appendAsync(w, 'devices/a/telemetry', Buffer.from('two'))
    await until(() => gate.held.length === 1)
    expect(await bounded.next(10, 0)).toEqual([])
    const seen = await unbounded.next(10, 0)
    expect(text(seen)).toEqual(['two'])
    await unbounded.commit(seen[0]!.pos)
    gate.release(eio())
    await expect(refused).rejects.toThrow('spool write failed')

    // same length as the refused record: written at its offset, the unbounded reader would skip it
    await appendAsync(w, 'devices/a/telemetry', Buffer.from('six'))
    expect(text(await readN(bounded, 1))).toEqual(['six'])
    const after = await readN(unbounded, 1, 2000)
    expect(text(after)).toEqual(['six'])
    expect(comparePositions(after[0]!.pos, seen[0]!.pos)).toBeGreaterThan(0)
    expect(after[0]!.pos.segment).toBe(seen[0]!.pos.segment + 1)
  })

  it('a consumer whose position lies past what a power cut left reads every record appended after the reopen', async () => {
    const dir = setup('spool-durable-lost-tail')
    const w1 = await openSpoolWriter({ dir, maxBytes: 1 << 30, log: silentLog })
    for (let i = 0; i < 10; i++) await appendAsync(w1, 'devices/a/telemetry', Buffer.from(`{"seq":${i}}`))
    await w1.close()
    const r1 = await openSpoolReader({ dir, log: silentLog, pollMs: 5 })
    const read = await readN(r1, 10)
    const stored = read.at(-1)!.pos
    await r1.commit(stored)
    await r1.close()
    // the power cut: the segment keeps its first 6 records, the consumer's checkpoint is past them
    truncateSync(segmentPath(dir, stored.segment), read[5]!.pos.offset)

    const w2 = await openSpoolWriter({ dir, maxBytes: 1 << 30, log: silentLog })
    for (let i = 10; i < 13; i++) await appendAsync(w2, 'devices/a/telemetry', Buffer.from(`{"seq":${i}}`))
    await w2.close()
    const r2 = await reader({ dir })
    expect(r2.checkpoint()).toEqual(stored)
    const after = await readN(r2, 3, 2000)
    expect(text(after)).toEqual(['{"seq":10}', '{"seq":11}', '{"seq":12}'])
    // and all after the stored position, which the alert engine skips up to
    for (const e of after) expect(comparePositions(e.pos, stored)).toBeGreaterThan(0)
  })
})

describe('durable end cell', () => {
  it('answers undefined until the first publish, then the latest end published', () => {
    const memory = new SharedArrayBuffer(8 + DURABLE_END_BYTES)
    const writerSide = durableEndCell(memory, 8)
    const readerSide = durableEndCell(memory, 8)
    expect(readerSide.read()).toBeUndefined()
    writerSide.publish({ segment: 3, offset: 4096 })
    expect(readerSide.read()).toEqual({ segment: 3, offset: 4096 })
    // beyond 32 bits: a segment larger than 2 GiB
    writerSide.publish({ segment: 4, offset: 5 * 2 ** 30 })
    expect(readerSide.read()).toEqual({ segment: 4, offset: 5 * 2 ** 30 })
  })

  it('answers the previous end while a publish is under way, never a mix of two', () => {
    const memory = new SharedArrayBuffer(DURABLE_END_BYTES)
    const cell = durableEndCell(memory)
    cell.publish({ segment: 1, offset: 100 })
    expect(cell.read()).toEqual({ segment: 1, offset: 100 })
    // the writer thread stopped between its stores: the sequence number is odd, the segment new
    const raw = new BigInt64Array(memory)
    Atomics.add(raw, 0, 1n)
    Atomics.store(raw, 1, 2n)
    const during: SpoolPosition | undefined = cell.read()
    expect(during).toEqual({ segment: 1, offset: 100 })
    Atomics.store(raw, 2, 7n)
    Atomics.add(raw, 0, 1n)
    expect(cell.read()).toEqual({ segment: 2, offset: 7 })
  })
})
