// Spool writer: group commit. `append` encodes the record into the pending batch buffer synchronously
// (so log order = call order); one positioned `write` (on this thread: writeBatch) + `fdatasync` (on the
// libuv pool) per batch, while the next batch accumulates; a batch's `done` callbacks run only after its
// fdatasync returned.
// Two batch buffers are swapped and reused, so steady state allocates no Buffer per record or batch.
// Readers read no further than the durable end the writer publishes after each fdatasync (durableEnd,
// onCommit), and no offset is written twice with different bytes: after a failed write the writer goes on
// in a new segment, and so it does on every open (a power cut may have taken a tail some consumer read
// from the page cache, e.g. one that does not know the durable end: it must not meet new records there).
import { fdatasync, close as fsClose, open as fsOpen, ftruncate, writeSync } from 'node:fs'
import { chmod, mkdir, open, readFile } from 'node:fs/promises'
import type { Logger } from 'pino'
import { CourtyardError } from '../domain/errors.ts'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../domain/private-files.ts'
import { adoptConsumers } from './consumer-set.ts'
import { type DiskRoom, diskRoom } from './disk-room.ts'
import { deleteConsumedSegments } from './prune.ts'
import { encodeRecord, maxEncodedSize, recordsWithin, validPrefixLength } from './record-codec.ts'
import { fsyncDir, listSegments, segmentPath, segmentSizes } from './segment-files.ts'
import type { SpoolPosition, SpoolWriter, SpoolWriterStats } from './types.ts'

export interface SpoolWriterOptions {
  dir: string
  /** bound on bytes in segment files; beyond it appends are held (backpressure), never dropped */
  maxBytes: number
  /** roll to a new segment file once the current one reaches this size (default 64 MiB) */
  segmentBytes?: number
  log: Logger
  /**
   * The consumers the service runs now (e.g. `['ingest', 'alerts']`): each holds its place from now on,
   * checkpoints of others are removed, and pruning counts exactly these (spool/consumer-set.ts). Unset: the
   * directory's consumers are left as they are and pruning counts every checkpoint file present.
   */
  consumers?: readonly string[]
  /**
   * Runs with the durable end after every durable batch (e.g. to `notify()` a reader in the same process,
   * or to publish the end to another thread: spool/durable-end.ts), and once when the writer opens.
   */
  onCommit?: (durableEnd: SpoolPosition) => void
  /** how often bytes on disk are re-counted, since the reader deletes consumed segments (default 1000) */
  rescanMs?: number
  /**
   * Free space kept on the spool's file system: appends are held while a batch would leave less than
   * this, so a consumer's checkpoint (a small file written, then renamed) and a new segment file always
   * fit and consumed segments can be deleted. A disk filled to its last page frees nothing: the old
   * failure of test/chaos/disk-full.chaos.ts. Default: 10 % of the file system, at most 64 MiB.
   */
  reserveBytes?: number
  /** retry interval while blocked (default 100) */
  retryMs?: number
  now?: () => number
  /** node's fdatasync unless set: tests hold or fail a batch's sync here */
  fdatasync?: (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => void
}

type Done = (err?: Error | null) => void
interface Batch {
  buf: Buffer
  len: number
  dones: Done[]
}

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024
const INITIAL_BATCH_BYTES = 256 * 1024
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT'])
export async function openSpoolWriter(opts: SpoolWriterOptions): Promise<SpoolWriter> {
  const log = opts.log.child({ component: 'spool-writer' })
  await mkdir(opts.dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  await chmod(opts.dir, PRIVATE_DIR_MODE)
  const segments = await listSegments(opts.dir)
  const last = segments.at(-1)
  // Never append to a segment a previous run wrote: it may have ended without its last fdatasync (a
  // power cut, which leaves no trace to tell it by), and a consumer may hold a position in the tail that
  // is gone; new records at those offsets would be skipped, or read from the middle of one.
  if (last !== undefined) await recoverTail(opts.dir, last, log)
  const segment = last === undefined ? 0 : last + 1
  await (await open(segmentPath(opts.dir, segment), 'wx', PRIVATE_FILE_MODE)).close()
  await fsyncDir(opts.dir)
  if (opts.consumers !== undefined) await adoptConsumers(opts.dir, opts.consumers, log)
  const others = (await segmentSizes(opts.dir, segments)).reduce((a, b) => a + b, 0)
  const fd = await new Promise<number>((resolve, reject) =>
    fsOpen(segmentPath(opts.dir, segment), 'r+', (err, fd) => (err ? reject(err) : resolve(fd))),
  )
  const writer = new GroupCommitWriter(
    opts,
    log,
    fd,
    segment,
    others,
    await diskRoomOrUnknown(opts.dir, opts.reserveBytes, log),
  )
  opts.onCommit?.(writer.durableEnd())
  return writer
}

/** Truncates a torn or corrupt tail of the last segment and makes the rest durable. */
async function recoverTail(dir: string, segment: number, log: Logger): Promise<void> {
  const path = segmentPath(dir, segment)
  const data = await readFile(path)
  const valid = validPrefixLength(data)
  const fh = await open(path, 'r+')
  try {
    if (valid < data.length) {
      await fh.truncate(valid)
      log.warn({ segment, validBytes: valid, droppedBytes: data.length - valid }, 'torn spool tail truncated')
    }
    // a previous process may have died between write and fdatasync: make what is there durable now
    await fh.sync()
  } finally {
    await fh.close()
  }
}

/**
 * The disk's room, or "unknown" (no reserve check; a full disk still shows as ENOSPC) when the file system
 * cannot say: a statfs failure must not stop the spool.
 */
async function diskRoomOrUnknown(
  dir: string,
  reserveBytes: number | undefined,
  log: Logger,
): Promise<DiskRoom> {
  try {
    return await diskRoom(dir, reserveBytes)
  } catch (err) {
    log.warn({ err }, 'spool: free space unknown (statfs failed); no reserve kept until it answers')
    return { availableBytes: Number.POSITIVE_INFINITY, reserveBytes: 0 }
  }
}

/** One batch of `first`'s records followed by `then`'s. */
function joinBatches(first: Batch, then: Batch): Batch {
  const buf = Buffer.allocUnsafe(first.len + then.len)
  first.buf.copy(buf, 0, 0, first.len)
  then.buf.copy(buf, first.len, 0, then.len)
  return { buf, len: first.len + then.len, dones: [...first.dones, ...then.dones] }
}

/** Cuts `batch` after its first `records` records (`bytes` long); returns the rest as a new batch. */
function splitOff(batch: Batch, records: number, bytes: number): Batch {
  const rest = Buffer.allocUnsafe(Math.max(INITIAL_BATCH_BYTES, batch.len - bytes))
  batch.buf.copy(rest, 0, bytes, batch.len)
  const tail = { buf: rest, len: batch.len - bytes, dones: batch.dones.slice(records) }
  batch.len = bytes
  batch.dones.length = records
  return tail
}

class GroupCommitWriter implements SpoolWriter {
  private fill: Buffer = Buffer.allocUnsafe(INITIAL_BATCH_BYTES)
  private fillLen = 0
  private fillDones: Done[] = []
  private spare: Buffer | undefined
  /** a batch refused by the disk (ENOSPC/EDQUOT), retried before anything newer */
  private held: Batch | undefined
  private inFlight = false
  private scheduled = false
  private blocked = false
  /** why appends are held: the bound, the disk's reserve, or the disk refusing (ENOSPC) */
  private blockedBy: string | undefined
  private closing = false
  private retryTimer: NodeJS.Timeout | undefined
  private readonly rescanTimer: NodeJS.Timeout
  private rescanning = false
  private idleWaiter: (() => void) | undefined
  private segSize = 0
  private appendedRecords = 0
  private committedRecords = 0
  private commits = 0
  private lastError: string | undefined
  /** bytes made durable since `room` was measured: free space is `room.availableBytes` minus these */
  private writtenSinceRoom = 0
  /** the current segment up to `segSize`, which fdatasync confirmed; replaced (not changed) at each commit */
  private durable: SpoolPosition
  /** a write or sync failed in the current segment: the next batch goes to a new one */
  private mustRoll = false
  private readonly fdatasync: NonNullable<SpoolWriterOptions['fdatasync']>
  private readonly segmentBytes: number
  private readonly now: () => number
  private readonly flushBound = () => this.flush()

  constructor(
    private readonly opts: SpoolWriterOptions,
    private readonly log: Logger,
    private fd: number,
    private segment: number,
    /** bytes in segments other than the current one, as of the last rescan */
    private otherBytes: number,
    /** free space on the spool's file system, as of the last rescan */
    private room: DiskRoom,
  ) {
    this.segmentBytes = opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES
    this.now = opts.now ?? Date.now
    this.fdatasync = opts.fdatasync ?? fdatasync
    this.durable = { segment, offset: 0 }
    this.rescanTimer = setInterval(() => this.rescan(), opts.rescanMs ?? 1000)
    this.rescanTimer.unref()
  }

  append(topic: string, payload: Buffer, done: Done): void {
    if (this.closing) {
      process.nextTick(done, new CourtyardError('INTERNAL', 'spool writer is closed'))
      return
    }
    const need = this.fillLen + maxEncodedSize(topic, payload)
    if (need > this.fill.length) this.grow(need)
    const n = encodeRecord(this.fill, this.fillLen, topic, payload, this.now())
    if (n < 0) {
      process.nextTick(done, new CourtyardError('PAYLOAD_TOO_LARGE', 'record too large for the spool'))
      return
    }
    this.fillLen += n
    this.fillDones.push(done)
    this.appendedRecords++
    if (!this.scheduled && !this.inFlight) {
      this.scheduled = true
      // setImmediate, not a microtask: gathers every append of this event-loop turn into one batch
      setImmediate(this.flushBound)
    }
  }

  stats(): SpoolWriterStats {
    return {
      appendedRecords: this.appendedRecords,
      committedRecords: this.committedRecords,
      commits: this.commits,
      diskBytes: this.diskBytes(),
      blocked: this.blocked,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    }
  }

  durableEnd(): SpoolPosition {
    return this.durable
  }

  async close(): Promise<void> {
    if (this.closing) return
    this.closing = true
    clearInterval(this.rescanTimer)
    await new Promise<void>((resolve) => {
      this.idleWaiter = resolve
      this.checkIdle()
    })
    clearTimeout(this.retryTimer)
    await new Promise<void>((resolve) => fsClose(this.fd, () => resolve()))
  }

  private diskBytes(): number {
    return this.otherBytes + this.segSize
  }

  private grow(min: number): void {
    let size = this.fill.length * 2
    while (size < min) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.fill.copy(next, 0, 0, this.fillLen)
    this.fill = next
  }

  private takeFill(): Batch {
    const batch = { buf: this.fill, len: this.fillLen, dones: this.fillDones }
    const spare = this.spare
    this.fill =
      spare !== undefined && spare.length >= INITIAL_BATCH_BYTES
        ? spare
        : Buffer.allocUnsafe(INITIAL_BATCH_BYTES)
    this.spare = undefined
    this.fillLen = 0
    this.fillDones = []
    return batch
  }

  private recycle(buf: Buffer): void {
    if (this.spare === undefined || buf.length > this.spare.length) this.spare = buf
  }

  private flush(): void {
    this.scheduled = false
    if (this.inFlight) return
    if (this.held === undefined && this.fillLen === 0) {
      this.checkIdle()
      return
    }
    if (this.diskBytes() >= this.opts.maxBytes) {
      this.enterBlocked('bound')
      return
    }
    const batch = this.held ?? this.takeFill()
    this.held = undefined
    const room = this.room.availableBytes - this.writtenSinceRoom - this.room.reserveBytes
    // held for the reserve: while older segments remain to be freed, resume only with half a reserve to
    // spare, not at every page the file system frees (a checkpoint rewritten, a page rounded), so
    // acknowledgements do not trickle while "full". With nothing left to free, waiting cannot bring more
    // room: take what fits.
    if (this.blockedBy === 'reserve' && this.otherBytes > 0 && room < this.room.reserveBytes / 2) {
      this.held = batch
      this.enterBlocked('reserve')
      return
    }
    if (batch.len > room) {
      // write what fits above the reserve; hold the rest (it goes first once there is room again)
      const fit = recordsWithin(batch.buf, batch.len, room)
      if (fit.records === 0) {
        this.held = batch
        this.enterBlocked('reserve')
        return
      }
      this.held = splitOff(batch, fit.records, fit.bytes)
    }
    this.inFlight = true
    if (this.segSize >= this.segmentBytes || this.mustRoll) {
      this.roll((err) => (err ? this.onWriteError(batch, err) : this.writeBatch(batch)))
    } else {
      this.writeBatch(batch)
    }
  }

  private writeBatch(batch: Batch): void {
    const fd = this.fd
    const base = this.segSize
    // The write runs on this thread, only the fdatasync on the libuv pool: the write copies the batch into
    // the page cache (nothing is acknowledged before the fdatasync below returns, as before), and on this
    // machine a hop to a pool thread and back cost ~25–35 µs of CPU, the copy of a batch 1–2 µs. No sync
    // of this file is in flight meanwhile (one batch at a time), so the write does not wait for one.
    try {
      let written = 0
      while (written < batch.len)
        written += writeSync(fd, batch.buf, written, batch.len - written, base + written)
    } catch (err) {
      this.onWriteError(batch, err as NodeJS.ErrnoException)
      return
    }
    this.fdatasync(fd, (err) => (err ? this.onWriteError(batch, err) : this.onDurable(batch)))
  }

  private onDurable(batch: Batch): void {
    this.segSize += batch.len
    this.durable = { segment: this.segment, offset: this.segSize }
    this.writtenSinceRoom += batch.len
    this.inFlight = false
    this.commits++
    this.committedRecords += batch.dones.length
    if (this.blocked && this.held === undefined) {
      this.blocked = false
      this.blockedBy = undefined
      this.log.info({ diskBytes: this.diskBytes() }, 'spool accepting appends again')
    }
    this.recycle(batch.buf)
    for (const done of batch.dones) {
      try {
        done(null)
      } catch (err) {
        this.log.error({ err }, 'spool append callback threw')
      }
    }
    this.opts.onCommit?.(this.durable)
    this.flush()
  }

  private onWriteError(batch: Batch, err: NodeJS.ErrnoException): void {
    this.lastError = `${err.code ?? 'ERROR'}: ${err.message}`
    // drop whatever part of the batch reached the file: a reader that does not know the durable end must
    // not meet a half-written record (one that does never reads past segSize)
    ftruncate(this.fd, this.segSize, (truncErr) => {
      if (truncErr)
        this.log.error({ err: truncErr, segment: this.segment }, 'spool truncate after failed write failed')
      this.inFlight = false
      if (err.code !== undefined && NO_SPACE.has(err.code)) {
        // a split batch's tail may be held already: this batch goes before it
        this.held = this.held === undefined ? batch : joinBatches(batch, this.held)
        this.enterBlocked(err.code)
        return
      }
      // The batch is refused, and its offsets are not written again with other records: the file's state
      // after a failed write or sync is not to be trusted (a failed fdatasync may leave the pages marked
      // clean), nor is a truncate that may have failed too. Retried after the disk refused for lack of
      // space (above), a held batch puts the same bytes at the same offsets.
      this.mustRoll = true
      this.log.error({ err, segment: this.segment, records: batch.dones.length }, 'spool write failed')
      const failure = new CourtyardError('INTERNAL', 'spool write failed', { cause: err })
      this.recycle(batch.buf)
      for (const done of batch.dones) {
        try {
          done(failure)
        } catch (cbErr) {
          this.log.error({ err: cbErr }, 'spool append callback threw')
        }
      }
      this.flush()
    })
  }

  private enterBlocked(reason: string): void {
    if (!this.blocked) {
      this.blocked = true
      this.blockedBy = reason
      this.log.warn(
        {
          reason,
          diskBytes: this.diskBytes(),
          maxBytes: this.opts.maxBytes,
          freeBytes: this.room.availableBytes - this.writtenSinceRoom,
          reserveBytes: this.room.reserveBytes,
        },
        'spool full: holding appends',
      )
      // the reader can delete only segments it has wholly consumed: close the current one so that
      // the backlog in it becomes deletable and the bound can clear. The same on a full disk: a disk
      // smaller than a segment would otherwise never free (found by test/chaos/disk-full.chaos.ts)
      if (this.segSize > 0 && !this.inFlight) {
        this.inFlight = true
        this.roll((err) => {
          if (err) this.log.error({ err }, 'spool roll while blocked failed')
          this.inFlight = false
          this.scheduleRetry()
        })
        return
      }
    }
    if (this.closing) this.checkIdle()
    else this.scheduleRetry()
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined || this.closing) {
      this.checkIdle()
      return
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      this.rescan().then(this.flushBound, this.flushBound)
    }, this.opts.retryMs ?? 100)
  }

  private roll(cb: (err?: NodeJS.ErrnoException | null) => void): void {
    const next = this.segment + 1
    fsOpen(segmentPath(this.opts.dir, next), 'wx', PRIVATE_FILE_MODE, (err, fd) => {
      if (err) {
        cb(err)
        return
      }
      fsyncDir(this.opts.dir).then(
        () => {
          const old = this.fd
          this.otherBytes += this.segSize
          this.segSize = 0
          this.segment = next
          this.fd = fd
          this.mustRoll = false
          fsClose(old, () => {})
          // every byte of the old segment that counts is durable (one batch at a time, and a failed one is
          // cut off): say the end is in the new one now, not at the next batch. A reader that read the old
          // one to its end moves on and closes it only then, and held for lack of space there may be no
          // next batch: the deleted old file kept its pages while open, and the writer stayed held for
          // good with its backlog consumed (test/spool/disk-reserve.test.ts)
          this.durable = { segment: next, offset: 0 }
          this.opts.onCommit?.(this.durable)
          cb()
        },
        (syncErr: NodeJS.ErrnoException) => {
          fsClose(fd, () => {})
          cb(syncErr)
        },
      )
    })
  }

  /**
   * Re-counts bytes in other segments (the reader deletes consumed ones, possibly in another process)
   * and the file system's free space (which others use too).
   */
  private async rescan(): Promise<void> {
    if (this.rescanning) return
    this.rescanning = true
    try {
      // held for lack of space, nothing new reaches the consumers and they stop committing: free what
      // they have all passed here, or a prune they skipped never comes (spool/prune.ts)
      if (this.blocked)
        await deleteConsumedSegments(this.opts.dir, this.log).catch((err: unknown) =>
          this.log.error({ err }, 'spool: deleting consumed segments failed'),
        )
      const segment = this.segment
      const written = this.writtenSinceRoom
      const room = await diskRoomOrUnknown(this.opts.dir, this.opts.reserveBytes, this.log)
      // batches made durable while statfs ran may or may not be in its figure: count them as not
      this.room = room
      this.writtenSinceRoom -= written
      const others = (await listSegments(this.opts.dir)).filter((s) => s !== segment)
      const total = (await segmentSizes(this.opts.dir, others)).reduce((a, b) => a + b, 0)
      // a roll meanwhile moved bytes between "current" and "other": this count is stale
      if (this.segment === segment) this.otherBytes = total
    } catch (err) {
      this.log.error({ err }, 'spool rescan failed')
    } finally {
      this.rescanning = false
    }
  }

  private checkIdle(): void {
    if (!this.closing || this.idleWaiter === undefined || this.inFlight) return
    if (this.blocked || (this.held === undefined && this.fillLen === 0)) {
      // closing while blocked: fail what is still held rather than dropping it silently
      const pending = [...(this.held?.dones ?? []), ...this.fillDones]
      this.held = undefined
      this.fillDones = []
      this.fillLen = 0
      const failure = new CourtyardError('INTERNAL', 'spool closed while full')
      for (const done of pending) {
        try {
          done(failure)
        } catch (err) {
          this.log.error({ err }, 'spool append callback threw')
        }
      }
      const resolve = this.idleWaiter
      this.idleWaiter = undefined
      resolve()
    } else if (!this.scheduled) {
      this.flush()
    }
  }
}
