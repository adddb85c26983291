// The spool on a disk that fills up: the writer keeps a reserve free, so a consumer's checkpoint still fits
// and consumed segments can be deleted. Without it the disk filled to its last page, the checkpoint (a small
// file written, then renamed) was refused, nothing was ever deleted and the broker stayed blocked (the old
// 1-in-6 failure of test/chaos/disk-full.chaos.ts). A small tmpfs is the full disk (we run as root here
// and in CI); where mounting is not allowed, the machine's own disk with a reserve of all but 1 MiB of
// what is free plays it.
import { writeFileSync } from 'node:fs'
import { statfs } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openSpoolReader, openSpoolWriter, type SpoolReader, type SpoolWriter } from '../../spool/index.ts'
import { mountSmallDisk, silentLog, until } from './helpers.ts'

const DISK_BYTES = 1024 * 1024

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const smallDisk = () => mountSmallDisk(DISK_BYTES, cleanups)

async function open(dir: string, reserveBytes: number | undefined): Promise<[SpoolWriter, SpoolReader]> {
  const w = await openSpoolWriter({
    dir,
    maxBytes: 1024 * DISK_BYTES,
    segmentBytes: 64 * 1024,
    log: silentLog,
    rescanMs: 20,
    retryMs: 10,
    ...(reserveBytes === undefined ? {} : { reserveBytes }),
  })
  cleanups.push(() => w.close())
  const r = await openSpoolReader({ dir, log: silentLog, pollMs: 5 })
  cleanups.push(() => r.close())
  return [w, r]
}

const record = (i: number) => Buffer.concat([Buffer.from(`${i}:`), Buffer.alloc(2000, 0x61)])

/** Reads and commits until `total` records were read; their numbers in read order. */
async function drain(r: SpoolReader, total: number): Promise<number[]> {
  const seen: number[] = []
  while (seen.length < total) {
    const batch = await r.next(total, 10_000)
    if (batch.length === 0) break
    for (const e of batch) seen.push(Number(e.payload.toString('latin1', 0, 12).split(':')[0]))
    let committed = false
    r.commit(batch.at(-1)!.pos).then(() => {
      committed = true
    })
    // on a disk full to its last page the checkpoint never fits: this poll is what fails then
    await until(() => committed, 5_000)
  }
  return seen
}

describe('spool disk reserve', () => {
  it('holds appends before the disk is full, so the checkpoint fits, segments are deleted and appends resume', async () => {
    const disk = await smallDisk()
    const [w, r] = await open(disk.dir, disk.reserveBytes)
    let acked = 0
    const all: Promise<void>[] = []
    // one record at a time until the writer holds them, so the disk fills in small steps to the brim
    for (let i = 0; !w.stats().blocked && i < 2 * (DISK_BYTES / 2000); i++) {
      const p = new Promise<void>((resolve, reject) =>
        w.append('devices/abc/telemetry', record(i), (err) => (err ? reject(err) : resolve())),
      ).then(() => {
        acked++
      })
      all.push(p)
      await Promise.race([p, until(() => w.stats().blocked, 10_000)])
    }
    expect(w.stats().blocked, 'the writer holds appends on the full disk').toBe(true)
    const total = all.length
    const ackedWhenFull = acked
    expect(ackedWhenFull).toBeLessThan(total)
    expect(ackedWhenFull, 'most of the disk was used first').toBeGreaterThan((0.5 * DISK_BYTES) / 2000)

    const seen = await drain(r, total)
    await Promise.all(all)
    expect(acked).toBe(total)
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i))
    await until(() => !w.stats().blocked)
  })

  it('writes the part of a large batch that fits above the reserve and the rest, in order, once there is room', async () => {
    const disk = await smallDisk()
    const [w, r] = await open(disk.dir, disk.reserveBytes)
    // all in one event-loop turn: one batch of ~1.2 MiB, more than the disk holds
    const total = Math.ceil((1.2 * DISK_BYTES) / 2000)
    let acked = 0
    const all = Array.from({ length: total }, (_, i) =>
      new Promise<void>((resolve, reject) =>
        w.append('devices/abc/telemetry', record(i), (err) => (err ? reject(err) : resolve())),
      ).then(() => {
        acked++
      }),
    )
    await until(() => w.stats().blocked && acked > 0)
    expect(acked, 'the head of the batch was written').toBeLessThan(total)
    const seen = await drain(r, total)
    await Promise.all(all)
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i))
    expect(w.stats().lastError, 'the disk never refused a write').toBeUndefined()
  })
})

describe('spool disk reserve, a reader that reads to the durable end only (as in the service)', () => {
  // The service's readers read no further than the writer's durable end. Held for the reserve, the writer
  // rolls to a new segment so the one holding the backlog can be deleted; but the durable end stayed in the
  // old segment until the next batch was made durable, so a reader that had read it all never looked for
  // the new one and kept the old file open. Deleted, it still filled the disk (a file's space is freed on
  // its last close), so no batch fitted again: the broker stayed full with its backlog consumed (a CI run
  // of test/chaos/disk-full.chaos.ts). Here the file system is the full disk only with a real tmpfs.
  it('moves on to the segment rolled to while held, so the consumed one is freed and appends resume', async () => {
    const disk = await smallDisk()
    const fs = await statfs(disk.dir)
    const reserve = disk.reserveBytes ?? Math.floor((fs.blocks * fs.bsize) / 10)
    // someone else's file leaves the spool 30 kB above the reserve: two records of 10 kB fit, the third does
    // not, and the pages the two took are not free again until the segment holding them is closed by all
    writeFileSync(join(disk.dir, 'ballast'), Buffer.alloc(fs.bavail * fs.bsize - reserve - 30_000))
    let r: SpoolReader | undefined
    const w = await openSpoolWriter({
      dir: disk.dir,
      maxBytes: 1024 * DISK_BYTES,
      // as the service's default: one segment larger than the disk
      segmentBytes: 64 * DISK_BYTES,
      log: silentLog,
      rescanMs: 20,
      retryMs: 10,
      onCommit: () => r?.notify(),
      ...(disk.reserveBytes === undefined ? {} : { reserveBytes: disk.reserveBytes }),
    })
    cleanups.push(() => w.close())
    r = await openSpoolReader({ dir: disk.dir, log: silentLog, pollMs: 5, durableEnd: () => w.durableEnd() })
    cleanups.push(() => r?.close())
    const big = (i: number) => Buffer.concat([Buffer.from(`${i}:`), Buffer.alloc(10_000, 0x61)])
    const all: Promise<void>[] = []
    for (let i = 0; !w.stats().blocked && i < 100; i++) {
      const p = new Promise<void>((resolve, reject) =>
        w.append('devices/abc/telemetry', big(i), (err) => (err ? reject(err) : resolve())),
      )
      all.push(p)
      await Promise.race([p, until(() => w.stats().blocked, 10_000)])
    }
    expect(w.stats().blocked, 'held at the reserve').toBe(true)
    // the consumer reads everything: it must leave the old segment for the new one, or its pages stay taken
    const seen = await drain(r, all.length)
    expect(seen).toEqual(Array.from({ length: all.length }, (_, i) => i))
    await Promise.all(all)
    expect(w.durableEnd().segment, 'the held record went into the segment rolled to').toBe(1)
  })
})

describe('spool disk reserve on a disk that others fill', () => {
  it('takes appends again once its backlog is gone, though less than half a reserve above it is free', async () => {
    const disk = await smallDisk()
    const fs = await statfs(disk.dir)
    const reserve = disk.reserveBytes ?? Math.floor((fs.blocks * fs.bsize) / 10)
    // someone else's file leaves the spool about 30 kB above the reserve, for good
    writeFileSync(join(disk.dir, 'ballast'), Buffer.alloc(fs.bavail * fs.bsize - reserve - 30_000))
    const [w, r] = await open(disk.dir, disk.reserveBytes)
    const all: Promise<void>[] = []
    for (let i = 0; !w.stats().blocked && i < 100; i++) {
      const p = new Promise<void>((resolve, reject) =>
        w.append('devices/abc/telemetry', record(i), (err) => (err ? reject(err) : resolve())),
      )
      all.push(p)
      await Promise.race([p, until(() => w.stats().blocked, 10_000)])
    }
    expect(w.stats().blocked, 'held at the reserve').toBe(true)
    // the consumer reads everything: the spool frees what it held, and the held append goes in
    const seen = await drain(r, all.length)
    await Promise.all(all)
    expect(seen).toEqual(Array.from({ length: all.length }, (_, i) => i))
  })
})
