// Spool reader: follows the segment files from a durable checkpoint. It meets the writer through files
// (the writer may be another thread or process), so it polls; `notify()` is a same-process shortcut that
// wakes a waiting `next()` at once. Told the writer's durable end, it reads no further: what it returns,
// and so what its consumer stores as done, is on disk.
import { existsSync, close as fsClose, open as fsOpen, read as fsRead, readSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import type { Logger } from 'pino'
import { Generations } from '../domain/generations.ts'
import { PRIVATE_DIR_MODE } from '../domain/private-files.ts'
import {
  comparePositions,
  createCheckpointIfMissing,
  INGEST_CONSUMER,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint-file.ts'
import { readConsumerSet } from './consumer-set.ts'
import { deleteConsumedSegments } from './prune.ts'
import { decodeRecord, Frame, RecordView } from './record-codec.ts'
import { listSegments, listSegmentsSync, segmentPath, segmentSizeSync } from './segment-files.ts'
import type { SpoolEntry, SpoolPosition, SpoolReader } from './types.ts'

export interface SpoolReaderOptions {
  dir: string
  log: Logger
  /** how often to look for new records when not notified (default 25) */
  pollMs?: number
  /** bytes read per file read (default 1 MiB); grows for a larger record */
  readBytes?: number
  /** a named consumer with its own checkpoint (default: the ingest consumer, `checkpoint.json`) */
  consumer?: string
  /**
   * Read segments with blocking reads on the caller's thread instead of the shared libuv pool (default
   * false). For a consumer with a worker thread of its own: a read of what the writer just wrote comes
   * from the page cache in microseconds, less than the hop to a pool thread and back costs, and it leaves
   * the pool to the main thread's fsyncs.
   */
  syncReads?: boolean
  /**
   * The writer's durable end (SpoolWriter.durableEnd in the writer's process, DurableEndCell.read in
   * another thread), asked once per read: no record past it is returned. Unset, or while it answers
   * undefined, the files are read as far as they go: for a spool whose writer has closed (tools, tests).
   * A consumer beside a running writer needs it, or it may act on, and store a position in, bytes a
   * power cut then takes back.
   */
  durableEnd?: () => SpoolPosition | undefined
  /** topics kept in each of topicAt's two generations (default 100,000) */
  topicsPerGeneration?: number
}

const PRUNE_EVERY_MS = 5000
/** how often laterSegment lists the directory rather than looking for the next segment number only */
const FULL_LISTING_MS = 1000
/**
 * topics kept by topicAt in each of its two generations (two hold a status and a telemetry topic each of
 * 100,000 devices), and the longest kept (a device's own: an id of at most 64 characters and a channel)
 */
const TOPICS_PER_GENERATION = 100_000
const TOPIC_KEPT_BYTES = 128
/** retry interval of a checkpoint refused by a full disk */
const CHECKPOINT_RETRY_MS = 100

export async function openSpoolReader(opts: SpoolReaderOptions): Promise<SpoolReader> {
  const log = opts.log.child({ component: 'spool-reader' })
  const consumer = opts.consumer ?? INGEST_CONSUMER
  await mkdir(opts.dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  const set = await readConsumerSet(opts.dir)
  if (set !== undefined && !set.includes(consumer)) {
    log.warn(
      { consumer, consumers: set },
      'spool consumer outside the consumer set: segments are not kept for it',
    )
  }
  return new FileSpoolReader(opts, log, await claimStart(opts.dir, consumer, log))
}

/**
 * Where a consumer resumes. One without a checkpoint claims its place at once, at the oldest retained
 * record: before it has one, the others' commits would delete segments it has not read (ingest on a fresh
 * install whose InfluxDB refuses every write would lose them). Replaying is safe (ingest overwrites, the
 * alert engine skips what alerts.db covers); skipping would lose data.
 */
async function claimStart(dir: string, consumer: string, log: Logger): Promise<SpoolPosition> {
  for (;;) {
    const read = await readCheckpoint(dir, consumer)
    if (read.kind === 'ok') return read.pos
    const start = { segment: (await listSegments(dir))[0] ?? 0, offset: 0 }
    if (read.kind === 'invalid') {
      log.error({ consumer, reason: read.reason }, 'spool checkpoint unreadable, replaying')
      await writeCheckpoint(dir, start, consumer)
      return start
    }
    // false: the writer (adopting its consumer set) created it meanwhile: read that one
    if (await createCheckpointIfMissing(dir, start, consumer)) return start
  }
}

/** Reads `length` bytes at most into `buf[start…]`. */
const readAt = (fd: number, buf: Buffer, start: number, length: number, position: number): Promise<number> =>
  new Promise((resolve, reject) =>
    fsRead(fd, buf, start, length, position, (err, n) => (err ? reject(err) : resolve(n))),
  )

const openRead = (path: string): Promise<number | undefined> =>
  new Promise((resolve, reject) =>
    fsOpen(path, 'r', (err, fd) => {
      if (!err) return resolve(fd)
      if (err.code === 'ENOENT') return resolve(undefined)
      reject(err)
    }),
  )

class FileSpoolReader implements SpoolReader {
  private cursor: SpoolPosition
  private committed: SpoolPosition
  private prunedAtSegment = -1
  private prunedAtMs = 0
  /** when laterSegment last listed the directory */
  private listedAtMs = 0
  private fd: number | undefined
  private fdSegment = -1
  private buf: Buffer
  /** bytes at the start of `buf` that entries returned by next() reference: later reads go after them */
  private bufLent = 0
  private readonly view = new RecordView()
  /** topics met, by a hash of their bytes (topicAt), in two generations (domain/generations.ts) */
  private readonly topics: Generations<number, string>
  /** the bytes topicAt looks for, and the check that a kept topic is them (made once: no closure per record) */
  private soughtStart = 0
  private soughtLen = 0
  private readonly isSought = (topic: string): boolean =>
    this.sameBytes(topic, this.soughtStart, this.soughtLen)
  private wake: (() => void) | undefined
  /** calls of notify() so far */
  private notifications = 0
  /** `notifications` as it was when the last read that met the end of the data began */
  private endReadAt: number | undefined
  private closed = false
  private reading: Promise<unknown> = Promise.resolve()
  private committing: Promise<unknown> = Promise.resolve()
  private readonly pollMs: number

  constructor(
    private readonly opts: SpoolReaderOptions,
    private readonly log: Logger,
    start: SpoolPosition,
  ) {
    this.cursor = { ...start }
    this.committed = { ...start }
    this.pollMs = opts.pollMs ?? 25
    this.buf = Buffer.allocUnsafe(opts.readBytes ?? 1024 * 1024)
    this.topics = new Generations(opts.topicsPerGeneration ?? TOPICS_PER_GENERATION)
  }

  next(max: number, waitMs: number): Promise<SpoolEntry[]> {
    // one read at a time: the cursor and the read buffer are shared state
    const run = this.reading.then(() => this.nextSerial(max, waitMs))
    this.reading = run.catch(() => {})
    return run
  }

  commit(pos: SpoolPosition): Promise<void> {
    const run = this.committing.then(() => this.commitSerial(pos))
    this.committing = run.catch(() => {})
    return run
  }

  checkpoint(): SpoolPosition {
    return { ...this.committed }
  }

  backlogBytes(): number {
    let total = 0
    let segments: number[]
    try {
      segments = listSegmentsSync(this.opts.dir)
    } catch {
      return 0
    }
    for (const s of segments) {
      if (s >= this.committed.segment) total += segmentSizeSync(this.opts.dir, s)
    }
    return Math.max(0, total - this.committed.offset)
  }

  notify(): void {
    this.notifications++
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }

  async close(): Promise<void> {
    this.closed = true
    this.notify()
    await this.reading
    await this.committing
    this.closeFd()
  }

  private async nextSerial(max: number, waitMs: number): Promise<SpoolEntry[]> {
    const deadline = Date.now() + waitMs
    // A consumer following the writer calls next() again right after each batch, mostly before the next
    // commit. If the last read met the end of the data and no commit was notified since, that first look
    // would find nothing: it waits at once (for a notified commit, or the poll timer: a writer in another
    // process notifies nobody). Otherwise the first look reads, but skips the search for a later segment
    // (a directory listing, which cost as much as the read), done once woken, or at once when not waiting.
    for (let woken = false; ; woken = true) {
      if (this.closed) return []
      const nothingNew = !woken && waitMs > 0 && this.endReadAt === this.notifications
      const notifiedBefore = this.notifications
      const out = nothingNew ? [] : await this.readSome(max, woken || waitMs <= 0)
      if (out.length > 0) return out
      const left = deadline - Date.now()
      if (left <= 0) return []
      // a commit notified while the read was on the pool found no waiter: look again now rather than at
      // the poll timer (a notified reader may poll seldom: the timer is only its safety net)
      if (this.notifications !== notifiedBefore) continue
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, this.pollMs))
        this.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.wake = undefined
    }
  }

  private async readSome(max: number, lookForLater: boolean): Promise<SpoolEntry[]> {
    for (;;) {
      if (!(await this.ensureOpen())) return []
      const found = await this.readRecords(max)
      if (found.entries.length > 0 || !lookForLater) return found.entries
      // the writer's durable end is still in this segment: nothing in a later one may be read yet
      if (this.durableBytes() !== Number.POSITIVE_INFINITY) return []
      // look for a later segment BEFORE reading again: the writer finishes a segment before creating the
      // next, so if one exists now, this read sees the current segment's final bytes
      const later = await this.laterSegment()
      if (later === undefined) return []
      const { entries, leftover } = await this.readRecords(max)
      if (entries.length > 0) return entries
      if (leftover > 0) {
        this.log.error(
          { segment: this.cursor.segment, offset: this.cursor.offset, bytes: leftover },
          'corrupt spool segment tail skipped',
        )
      }
      this.closeFd()
      this.cursor = { segment: later, offset: 0 }
    }
  }

  /** Opens the cursor's segment; moves to the next one if it was deleted. False when there is none. */
  private async ensureOpen(): Promise<boolean> {
    if (this.fd !== undefined && this.fdSegment === this.cursor.segment) return true
    this.closeFd()
    for (;;) {
      const fd = await openRead(segmentPath(this.opts.dir, this.cursor.segment))
      if (fd !== undefined) {
        this.fd = fd
        this.fdSegment = this.cursor.segment
        return true
      }
      const later = await this.laterSegment(true)
      if (later === undefined) return false
      this.cursor = { segment: later, offset: 0 }
    }
  }

  private async readRecords(max: number): Promise<{ entries: SpoolEntry[]; leftover: number }> {
    // Entries handed out keep their bytes, so a read goes into the free rest of the buffer while a good
    // share of it is left: following the writer's tail, a fresh 1 MiB buffer per read of a few dozen
    // records cost more than the read.
    if (this.buf.length - this.bufLent < this.buf.length / 4) this.newBuffer(this.buf.length)
    const notifiedBefore = this.notifications
    // asked after `notifiedBefore`: a commit after this answer is a notification after it
    const durable = this.durableBytes()
    let start = this.bufLent
    const r = this.read(start, durable)
    let n = typeof r === 'number' ? r : await r
    const entries: SpoolEntry[] = []
    const view = this.view
    const segment = this.cursor.segment
    let off = start
    while (entries.length < max) {
      const frame = decodeRecord(this.buf, off, start + n, view)
      if (frame === Frame.Ok) {
        entries.push({
          topic: this.topicAt(view.topicStart, view.topicEnd),
          payload: this.buf.subarray(view.payloadStart, view.end),
          arrivalMs: view.arrivalMs,
          pos: { segment, offset: this.cursor.offset + (view.end - start) },
        })
        off = view.end
        continue
      }
      // a record larger than the space left: a new buffer (larger if the record needs it), read again
      if (frame === Frame.Incomplete && view.need > this.buf.length - off && n === this.buf.length - start) {
        if (entries.length > 0) break
        this.newBuffer(
          view.need > this.buf.length ? Math.max(view.need, this.buf.length * 2) : this.buf.length,
        )
        start = 0
        off = 0
        const again = this.read(0, durable)
        n = typeof again === 'number' ? again : await again
        continue
      }
      // Incomplete: the writer is mid-batch (wait; not met below a durable end, which is at a batch's
      // end). Corrupt in the active segment: never produced by the writer (it truncates a failed write),
      // so also wait; readSome skips it once the segment ends.
      break
    }
    if (entries.length > 0) {
      this.cursor = { segment, offset: this.cursor.offset + (off - start) }
      this.bufLent = off
    }
    // a short read met the end of the file: what comes after it comes with a commit
    const metEnd = n < this.buf.length - start && entries.length < max
    this.endReadAt = metEnd ? notifiedBefore : undefined
    return { entries, leftover: start + n - off }
  }

  /**
   * The topic in `buf[start, end)`: the string of an earlier record when its bytes are the same. Devices
   * publish on a few topics each, again and again; decoding each record's topic anew cost the engine more
   * than its look-up in the topics it already holds, and the same string each time is also cheaper for a
   * consumer's own maps keyed by topic. Only a topic of ASCII characters is kept (its characters are its
   * bytes, which is what the comparison relies on), and only a short one.
   */
  private topicAt(start: number, end: number): string {
    const buf = this.buf
    const len = end - start
    if (len > TOPIC_KEPT_BYTES) return buf.toString('utf8', start, end)
    let h = len
    for (let i = start; i < end; i++) h = (Math.imul(h, 31) + buf[i]!) | 0
    this.soughtStart = start
    this.soughtLen = len
    const known = this.topics.find(h, this.isSought)
    if (known !== undefined) return known
    const topic = buf.toString('utf8', start, end)
    // as many characters as bytes: ASCII (or bytes that are no UTF-8, whose U+FFFD never compares equal)
    if (topic.length === len) this.topics.keep(h, topic)
    return topic
  }

  /** Whether the kept `topic` is the `len` bytes at `buf[start]` (a kept topic is ASCII: a byte a character). */
  private sameBytes(topic: string, start: number, len: number): boolean {
    if (topic.length !== len) return false
    let i = 0
    while (i < len && topic.charCodeAt(i) === this.buf[start + i]) i++
    return i === len
  }

  /** Reads from the cursor into `buf[start…]`, `durable` bytes at most. */
  private read(start: number, durable: number): number | Promise<number> {
    const length = Math.min(this.buf.length - start, durable)
    // nothing durable past the cursor: no read (woken by a commit, the reader finds something)
    if (length <= 0) return 0
    return this.opts.syncReads
      ? readSync(this.fd!, this.buf, start, length, this.cursor.offset)
      : readAt(this.fd!, this.buf, start, length, this.cursor.offset)
  }

  /**
   * Bytes after the cursor that are durable: all of a segment the writer has finished (its end is in a
   * later one, published only after the roll), up to the end in the one it writes. Unbounded when the
   * reader was given no durable end, or the writer has published none yet.
   */
  private durableBytes(): number {
    const end = this.opts.durableEnd?.()
    if (end === undefined || end.segment > this.cursor.segment) return Number.POSITIVE_INFINITY
    return end.segment < this.cursor.segment ? 0 : Math.max(0, end.offset - this.cursor.offset)
  }

  private newBuffer(bytes: number): void {
    this.buf = Buffer.allocUnsafe(bytes)
    this.bufLent = 0
  }

  /**
   * On a full disk the checkpoint is retried until it fits: no newer position may come (the writer is
   * blocked too), and only the deletions that this checkpoint allows free the disk. The writer's own
   * failed attempts give their space back between retries (found by test/chaos/disk-full.chaos.ts).
   */
  private async writeCheckpointWhenRoom(pos: SpoolPosition): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await writeCheckpoint(this.opts.dir, pos, this.opts.consumer)
        return
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (this.closed || (code !== 'ENOSPC' && code !== 'EDQUOT')) throw err
        if (attempt === 0) this.log.warn({ pos, code }, 'spool checkpoint waits for disk space')
        await new Promise((r) => setTimeout(r, CHECKPOINT_RETRY_MS))
      }
    }
  }

  private async commitSerial(pos: SpoolPosition): Promise<void> {
    if (comparePositions(pos, this.committed) <= 0) return
    await this.writeCheckpointWhenRoom(pos)
    this.committed = { segment: pos.segment, offset: pos.offset }
    // Pruning lists the directory and reads every consumer's checkpoint: do it when this consumer reaches a
    // new segment (the moment something may have become deletable) and every few seconds for the others.
    const t = Date.now()
    if (pos.segment === this.prunedAtSegment && t - this.prunedAtMs < PRUNE_EVERY_MS) return
    this.prunedAtSegment = pos.segment
    this.prunedAtMs = t
    await deleteConsumedSegments(this.opts.dir, this.log, pos)
  }

  /**
   * The first segment after the cursor's, if the writer has started one. The writer numbers segments one
   * after another and none after this reader's checkpoint is deleted, so that is the next number: one
   * stat, where listing the directory after every read that met the end of the data cost a consumer
   * more than the read (idle, both consumers listed it 40 times a second). A full listing still runs
   * at most every FULL_LISTING_MS, in case a segment is missing in between, and always when `full` (the
   * cursor's own segment is gone).
   */
  private async laterSegment(full = false): Promise<number | undefined> {
    const next = this.cursor.segment + 1
    if (existsSync(segmentPath(this.opts.dir, next))) return next
    const t = Date.now()
    if (!full && t - this.listedAtMs < FULL_LISTING_MS) return undefined
    this.listedAtMs = t
    try {
      return (await listSegments(this.opts.dir)).find((s) => s > this.cursor.segment)
    } catch (err) {
      // the writer has not created the directory yet
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
  }

  private closeFd(): void {
    if (this.fd !== undefined) fsClose(this.fd, () => {})
    this.fd = undefined
    this.fdSegment = -1
  }
}
