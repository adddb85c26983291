// Batches line protocol for InfluxDB and reports, in spool order, how far everything is safely stored.
//
// - Size- and time-bounded batches; up to `maxInflight` writes at once (InfluxDB 1.x: 1,000–5,000 lines
//   per request and 2–4 writers is where throughput is; see measurements.md).
// - 5xx, timeouts, no answer, 429, 401/403/404: retried for ever with exponential backoff + jitter,
//   honouring Retry-After. Those are outages or misconfiguration, not bad data: dead-lettering them would
//   throw away a whole stream, while waiting only grows the (bounded) spool.
// - 413: the batch is split in halves, recursively.
// - 400 (incl. "partial write") and other 4xx: bisected down to the refused line(s), which are
//   dead-lettered. Re-writing the good half is safe because a point with the same series and timestamp
//   overwrites itself, and it keeps good lines out of the dead-letter file (a partial write names parse
//   errors but not which line hit a field type conflict).
// - `onDurable(pos)` is called only when every line of every record up to `pos` is stored or
//   dead-lettered: writes finish out of order, so completion is tracked contiguously.
// - A batch is kept as the request body itself: each line is encoded into the batch's byte buffer as it is
//   added, with the offset where it ends. A batch lives until InfluxDB answers (hundreds of ms under load),
//   so 5,000 line strings per batch outlived every young-generation GC and were copied to the old
//   generation, then joined and encoded once more for the request; bytes outside the JS heap are neither.
//   Buffers of finished batches are reused.
import type { Logger } from 'pino'
import type { InfluxClient } from '../influx/index.ts'
import type { SpoolPosition } from '../spool/index.ts'
import type { DeadLetter, DeadLetterSink } from './dead-letter.ts'
import type { IngestMetrics } from './metrics.ts'

export interface WriteBatcherOptions {
  influx: Pick<InfluxClient, 'write'>
  deadLetters: DeadLetterSink
  log: Logger
  metrics: Pick<IngestMetrics, 'pointsWritten' | 'writeSeconds' | 'writeRetries' | 'deadLetters'>
  maxBatch: number
  flushIntervalMs: number
  maxInflight: number
  onDurable: (pos: SpoolPosition) => void
  /** InfluxDB answered 404 "database not found" (dropped at run time): recreate it before the retry */
  onDatabaseMissing?: () => Promise<void>
  retry?: { baseMs?: number; capMs?: number }
  now?: () => number
  random?: () => number
}

/** InfluxDB refuses the writes themselves (credentials, privileges, no database): nothing is stored until mended */
export interface WriteRefusal {
  status: number
  error: string
  /** when the first write of this run of refusals was refused (epoch ms) */
  sinceMs: number
}

export interface WriteBatcherStats {
  /** set while the latest write InfluxDB answered was refused with 401, 403 or 404; cleared by a stored write */
  refused?: WriteRefusal
  bufferedLines: number
  waitingBatches: number
  inflight: number
  retries: number
  deadLettered: number
  pointsWritten: number
  lastError?: string
}

export interface WriteBatcher {
  /** Adds one spool record's lines (possibly none); `pos` is that record's position. */
  add(lines: readonly string[], pos: SpoolPosition): void
  /** False while a flushed batch is still waiting for a write slot: stop reading the spool. */
  hasRoom(): boolean
  /** Resolves once `hasRoom()` is true. */
  waitForRoom(): Promise<void>
  flush(): void
  /**
   * Flushes and waits until every batch is stored or dead-lettered (true). Past `timeoutMs` the rest is
   * abandoned without reporting it durable (false): it stays in the spool for the next start.
   */
  drain(timeoutMs: number): Promise<boolean>
  stats(): WriteBatcherStats
}

interface Batch {
  /** the lines, UTF-8, each followed by `\n` */
  buf: Buffer
  /** bytes used in `buf` */
  len: number
  /** where each line ends (the offset of its `\n`) */
  ends: number[]
  lastPos: SpoolPosition | undefined
  done: boolean
}

const INITIAL_BATCH_BYTES = 64 * 1024
const EMPTY = Buffer.alloc(0)

const newBatch = (buf: Buffer): Batch => ({ buf, len: 0, ends: [], lastPos: undefined, done: false })
/** where line `i` of the batch starts */
const lineStart = (b: Batch, i: number): number => (i === 0 ? 0 : b.ends[i - 1]! + 1)
const lineText = (b: Batch, i: number): string => b.buf.toString('utf8', lineStart(b, i), b.ends[i])

class Aborted extends Error {}

// Statuses that mean "try again later", not "this data is bad".
const RETRY_4XX = new Set([401, 403, 404, 408, 425, 429])
// Of those, the ones that last until somebody acts (credentials, privileges, the database): not ready
const REFUSING = new Set([401, 403, 404])

export function createWriteBatcher(opts: WriteBatcherOptions): WriteBatcher {
  const { influx, deadLetters, log, metrics, maxBatch, flushIntervalMs, maxInflight, onDurable } = opts
  const baseMs = opts.retry?.baseMs ?? 100
  const capMs = opts.retry?.capMs ?? 30_000
  const now = opts.now ?? Date.now
  const random = opts.random ?? Math.random

  /** buffers of stored batches, for the next ones (a few: one per write in flight, one filling) */
  const spareBuffers: Buffer[] = []
  const takeBuffer = (): Buffer => spareBuffers.pop() ?? Buffer.allocUnsafe(INITIAL_BATCH_BYTES)
  let current: Batch = newBatch(takeBuffer())
  let currentHasRecords = false
  let timer: NodeJS.Timeout | undefined
  const order: Batch[] = [] // flushed, not yet reported durable, in spool order
  const waiting: Batch[] = []
  let inflight = 0
  let aborted = false
  const abortWaiters = new Set<() => void>()
  let roomWaiters: (() => void)[] = []
  let drainWaiters: (() => void)[] = []
  let idleWaiters: (() => void)[] = []
  const counters = {
    retries: 0,
    deadLettered: 0,
    pointsWritten: 0,
    lastError: undefined as string | undefined,
    refused: undefined as WriteRefusal | undefined,
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (aborted) return reject(new Aborted())
      const onAbort = () => {
        clearTimeout(t)
        reject(new Aborted())
      }
      const t = setTimeout(() => {
        abortWaiters.delete(onAbort)
        resolve()
      }, ms)
      abortWaiters.add(onAbort)
    })
  }

  function backoffMs(attempt: number, retryAfterMs: number | undefined): number {
    const exp = Math.min(capMs, baseMs * 2 ** Math.min(attempt - 1, 30))
    // "equal jitter": at least half the step, so a fleet of writers never retries in a hot loop
    const jittered = exp / 2 + random() * (exp / 2)
    return retryAfterMs === undefined ? jittered : Math.min(capMs, Math.max(retryAfterMs, jittered))
  }

  async function deadLetter(entries: DeadLetter[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (aborted) throw new Aborted()
      try {
        await deadLetters.write(entries, now())
        break
      } catch (err) {
        // disk full or similar: the lines must not be dropped, so wait like for an outage
        counters.lastError = (err as Error).message
        if ((attempt & (attempt - 1)) === 0) log.error({ err, attempt }, 'dead-letter write failed')
        await sleep(backoffMs(attempt, undefined))
      }
    }
    for (const e of entries) metrics.deadLetters.inc({ reason: e.reason })
    counters.deadLettered += entries.length
    log.warn(
      { lines: entries.length, status: entries[0]?.status, error: entries[0]?.error },
      'lines dead-lettered',
    )
  }

  /** Writes lines [from, to) of batch `b`: one request, bisected on refusal. */
  async function writeLines(b: Batch, from: number, to: number): Promise<void> {
    const count = to - from
    for (let attempt = 1; ; attempt++) {
      if (aborted) throw new Aborted()
      const t0 = now()
      let err: { status?: number; retryAfterMs?: number; partial?: boolean; message?: string; body?: string }
      try {
        await influx.write(b.buf.subarray(lineStart(b, from), b.ends[to - 1]))
        metrics.writeSeconds.observe({ outcome: 'ok' }, (now() - t0) / 1000)
        metrics.pointsWritten.inc(count)
        counters.pointsWritten += count
        if (counters.refused) {
          log.info({ status: counters.refused.status }, 'InfluxDB takes the writes again')
          counters.refused = undefined
        }
        return
      } catch (e) {
        err = e as typeof err
      }
      const status = typeof err.status === 'number' ? err.status : 0
      metrics.writeSeconds.observe({ outcome: status === 0 ? 'error' : String(status) }, (now() - t0) / 1000)
      counters.lastError = err.message
      if (status === 413 || (status >= 400 && status < 500 && !RETRY_4XX.has(status))) {
        if (count > 1) {
          const mid = from + (count >>> 1)
          await writeLines(b, from, mid)
          await writeLines(b, mid, to)
          return
        }
        const reason = status === 413 ? 'too_large' : err.partial ? 'partial_write' : 'rejected'
        await deadLetter([{ reason, status, error: err.message ?? '', line: lineText(b, from) }])
        return
      }
      counters.retries++
      metrics.writeRetries.inc({ status: String(status) })
      if (REFUSING.has(status)) {
        if (counters.refused?.status !== status)
          log.error(
            { status, error: err.message },
            'InfluxDB refuses the writes: readings wait in the spool until its user may write to the database',
          )
        counters.refused = {
          status,
          error: err.message ?? '',
          sinceMs: counters.refused?.status === status ? counters.refused.sinceMs : now(),
        }
      } else if (status === 0 || status >= 500) {
        // no answer, or a server error: an outage (the influx part's health covers it), not a refusal
        counters.refused = undefined
      }
      if (
        status === 404 &&
        opts.onDatabaseMissing &&
        /database not found/.test(`${err.body ?? ''} ${err.message ?? ''}`)
      ) {
        await opts
          .onDatabaseMissing()
          .catch((e: Error) => log.warn({ err: e.message }, 'database not recreated'))
      }
      const delay = backoffMs(attempt, err.retryAfterMs)
      // log the 1st, 2nd, 4th, 8th… retry: an outage of hours must not fill the disk with warnings
      if ((attempt & (attempt - 1)) === 0)
        log.warn(
          { status, attempt, delayMs: Math.round(delay), error: err.message },
          'influx write failed, retrying',
        )
      await sleep(delay)
    }
  }

  function advance(): void {
    let last: SpoolPosition | undefined
    while (order.length > 0 && order[0]!.done) last = order.shift()!.lastPos ?? last
    if (last) onDurable(last)
    if (order.length === 0 && drainWaiters.length > 0) {
      const w = drainWaiters
      drainWaiters = []
      for (const f of w) f()
    }
  }

  function notifyRoom(): void {
    if (roomWaiters.length === 0 || !hasRoom()) return
    const w = roomWaiters
    roomWaiters = []
    for (const f of w) f()
  }

  function settled(): void {
    inflight--
    if (inflight === 0 && idleWaiters.length > 0) {
      const w = idleWaiters
      idleWaiters = []
      for (const f of w) f()
    }
  }

  function pump(): void {
    while (inflight < maxInflight && waiting.length > 0 && !aborted) {
      const b = waiting.shift()!
      inflight++
      writeLines(b, 0, b.ends.length).then(
        () => {
          settled()
          b.done = true
          // every request over this buffer has been answered: it is free for a new batch
          if (spareBuffers.length < maxInflight + 1) spareBuffers.push(b.buf)
          b.buf = EMPTY
          b.ends = []
          advance()
          pump()
          notifyRoom()
        },
        (err: unknown) => {
          settled()
          if (!(err instanceof Aborted)) log.error({ err }, 'batch write crashed')
          notifyRoom()
        },
      )
    }
  }

  function flush(): void {
    if (timer) {
      clearTimeout(timer)
      timer = undefined
    }
    if (!currentHasRecords) return
    const b = current
    if (b.ends.length === 0) {
      // its buffer stays with the next batch
      current = newBatch(b.buf)
      b.buf = EMPTY
    } else {
      current = newBatch(takeBuffer())
    }
    currentHasRecords = false
    order.push(b)
    if (b.ends.length === 0) {
      // only rejected/unstored records: durable as soon as everything before them is
      b.done = true
      advance()
      return
    }
    waiting.push(b)
    pump()
  }

  function append(b: Batch, line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; +1 for the newline
    const need = b.len + line.length * 3 + 1
    if (need > b.buf.length) {
      let size = Math.max(b.buf.length * 2, INITIAL_BATCH_BYTES)
      while (size < need) size *= 2
      const bigger = Buffer.allocUnsafe(size)
      b.buf.copy(bigger, 0, 0, b.len)
      b.buf = bigger
    }
    const end = b.len + b.buf.write(line, b.len, 'utf8')
    b.buf[end] = 0x0a
    b.ends.push(end)
    b.len = end + 1
  }

  function hasRoom(): boolean {
    // bounded memory: in flight + at most one waiting batch; `order` caps done-but-blocked batches
    return waiting.length === 0 && order.length < maxInflight * 16
  }

  return {
    add(lines, pos) {
      if (current.ends.length > 0 && current.ends.length + lines.length > maxBatch) flush()
      // a record's lines never span two batches, so its position is durable when its one batch is
      for (const l of lines) append(current, l)
      current.lastPos = pos
      currentHasRecords = true
      if (current.ends.length >= maxBatch) flush()
      else if (!timer) timer = setTimeout(flush, flushIntervalMs)
    },
    hasRoom,
    waitForRoom() {
      if (hasRoom()) return Promise.resolve()
      return new Promise((resolve) => roomWaiters.push(resolve))
    },
    flush,
    async drain(timeoutMs) {
      flush()
      if (order.length === 0) return true
      const drained = new Promise<boolean>((resolve) => drainWaiters.push(() => resolve(true)))
      let t: NodeJS.Timeout | undefined
      const timedOut = new Promise<boolean>((resolve) => {
        t = setTimeout(() => resolve(false), timeoutMs)
      })
      const ok = await Promise.race([drained, timedOut])
      clearTimeout(t)
      if (!ok) {
        aborted = true
        for (const f of abortWaiters) f()
        abortWaiters.clear()
        waiting.length = 0
        // let in-flight requests settle (bounded by the client's timeout) before the caller moves on
        if (inflight > 0) await new Promise<void>((r) => idleWaiters.push(r))
      }
      return ok
    },
    stats: () => ({
      bufferedLines: current.ends.length + waiting.reduce((n, b) => n + b.ends.length, 0),
      waitingBatches: waiting.length,
      inflight,
      retries: counters.retries,
      deadLettered: counters.deadLettered,
      pointsWritten: counters.pointsWritten,
      lastError: counters.lastError,
      refused: counters.refused,
    }),
  }
}
