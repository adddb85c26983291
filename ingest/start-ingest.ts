// The ingest loop: spool → decode → enrich with registry tags → line protocol → batched writes →
// spool checkpoint. Nothing is lost: the checkpoint only advances over records whose every line is
// stored or dead-lettered, and the spool is not read further while the batcher is full (an InfluxDB
// outage grows the spool on disk, which the writer bounds).
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { type DecodedMessage, decodeMessage } from '../domain/decode-message.ts'
import type { PartHealth } from '../domain/part.ts'
import type { Telemetry } from '../domain/protocol.ts'
import { parseDeviceTopic } from '../domain/topics.ts'
import type { InfluxClient } from '../influx/index.ts'
import type { DeviceDirectory } from '../registry/index.ts'
import type { SpoolEntry, SpoolPosition, SpoolReader } from '../spool/index.ts'
import { createDeadLetterSink } from './dead-letter.ts'
import { createDeviceCache } from './device-cache.ts'
import { encodePoints } from './encode-points.ts'
import { createIngestMetrics } from './metrics.ts'
import { createRejectionTracker, type DeviceRejections, type RejectionReason } from './rejections.ts'
import { createWriteBatcher } from './write-batcher.ts'

export interface IngestConfig {
  /** records per spool read and lines per InfluxDB write (5000) */
  maxBatch: number
  /** a partial batch is written after this long (100–200 ms) */
  flushIntervalMs: number
  /** concurrent InfluxDB writes (2–4) */
  maxInflight: number
  deadLetterPath: string
  /** how long a registry lookup is trusted (default 2000 ms) */
  deviceCacheTtlMs?: number
  /** how long stop() waits for InfluxDB before leaving the rest in the spool (default 10000 ms) */
  drainTimeoutMs?: number
  /** write retry backoff (defaults 100 ms doubling to 30 s) */
  retry?: { baseMs?: number; capMs?: number }
}

export interface IngestDeps {
  spool: SpoolReader
  directory: Pick<DeviceDirectory, 'findDevice'>
  influx: Pick<InfluxClient, 'write'>
  log: Logger
  metrics: Registry
  config: IngestConfig
  now?: () => number
  /** resolves once the database exists: nothing is read before (the spool holds it meanwhile) */
  ready?: Promise<unknown>
  /** Recreates the database when InfluxDB says it is missing (dropped at run time); else 404s are retried. */
  recreateDatabase?: () => Promise<void>
  /** Called for every valid message as it is decoded (before it is stored): live feeds, alerting. */
  onMessage?: (msg: DecodedMessage, arrivalMs: number) => void
  /**
   * Called after each message set aside is counted and its "payload rejected" warning logged; a throw from
   * it is caught and logged once (ingest/rejections.ts), and ingest goes on.
   */
  onRejected?: () => void
  /**
   * Keep each device's latest state for `latest()` (default false). Nothing in the service reads it, and
   * at a city's scale it was an object per device, holding that device's last reading.
   */
  keepLatest?: boolean
}

export interface LatestDeviceState {
  /** arrival time (ms) of the last valid message */
  lastSeen: number
  online?: boolean
  /** last valid telemetry */
  reading?: Telemetry
}

export interface IngestStats {
  messages: number
  byType: Record<DecodedMessage['type'], number>
  rejected: number
  rejectedByReason: Partial<Record<RejectionReason, number>>
  /** bounded (least recently rejected devices are dropped first) */
  rejectedByDevice: Record<string, DeviceRejections>
  pointsWritten: number
  deadLettered: number
  writeRetries: number
  inflightWrites: number
  bufferedLines: number
  committed?: SpoolPosition
  lastError?: string
}

export interface IngestHandle {
  stats(): IngestStats
  /** `/readyz`: not ready while InfluxDB refuses the writes (401, 403, 404); an outage is the influx part's */
  health(): PartHealth
  /** undefined unless started with `keepLatest` */
  latest(deviceId: string): LatestDeviceState | undefined
  /** Stops reading, writes what was read (up to drainTimeoutMs) and commits the checkpoint. */
  stop(): Promise<void>
}

const NO_LINES: readonly string[] = []

export function startIngest(deps: IngestDeps): IngestHandle {
  const { spool, directory, influx, config } = deps
  const log = deps.log.child({ component: 'ingest' })
  const now = deps.now ?? Date.now
  const metrics = createIngestMetrics(deps.metrics, () => spool.backlogBytes())
  const deadLetters = createDeadLetterSink(config.deadLetterPath)
  const cache = createDeviceCache({ directory, ttlMs: config.deviceCacheTtlMs ?? 2000, now })
  const rejections = createRejectionTracker({ log, metrics, now, onRecord: deps.onRejected })
  const latestByDevice = new Map<string, LatestDeviceState>()
  const byType: IngestStats['byType'] = { telemetry: 0, event: 0, status: 0, command_ack: 0 }
  let committed: SpoolPosition | undefined
  let lastError: string | undefined

  // Commits are serialised and coalesced: only the furthest durable position matters.
  let commitTarget: SpoolPosition | undefined
  let committing: Promise<void> | undefined
  async function commitLoop(): Promise<void> {
    while (commitTarget) {
      const pos = commitTarget
      commitTarget = undefined
      try {
        await spool.commit(pos)
        committed = pos
      } catch (err) {
        // retried with the next durable position (or at stop); the data is safe in the spool meanwhile
        lastError = (err as Error).message
        log.error({ err, pos }, 'spool commit failed')
        commitTarget ??= pos
        break
      }
    }
    committing = undefined
  }
  function onDurable(pos: SpoolPosition): void {
    commitTarget = pos
    committing ??= commitLoop()
  }

  const batcher = createWriteBatcher({
    influx,
    deadLetters,
    log,
    metrics,
    maxBatch: config.maxBatch,
    flushIntervalMs: config.flushIntervalMs,
    maxInflight: config.maxInflight,
    onDurable,
    onDatabaseMissing: deps.recreateDatabase,
    retry: config.retry,
    now,
  })

  const scratch: string[] = []
  let rejectedInRead = 0
  const typesInRead: IngestStats['byType'] = { telemetry: 0, event: 0, status: 0, command_ack: 0 }

  function processEntry(e: SpoolEntry): void {
    const t = parseDeviceTopic(e.topic)
    const cached = t ? cache.get(t.deviceId) : undefined
    // the ±ts window is judged against arrival, so a backlog replayed after an outage is not "too old"
    const r = decodeMessage(e.topic, e.payload, cached, e.arrivalMs)
    if (!r.ok) {
      rejectedInRead++
      rejections.record(r.deviceId, r.reason, r.detail, e.payload)
      batcher.add(NO_LINES, e.pos)
      return
    }
    const msg = r.value
    scratch.length = 0
    try {
      encodePoints(msg, cached!.tagSet, e.arrivalMs, scratch)
    } catch (err) {
      // whatever a payload holds, one message never stops the loop: the checkpoint would stay before it,
      // and every restart would replay it into the same throw while the spool filled
      rejectedInRead++
      rejections.record(r.value.deviceId, 'unencodable', (err as Error).message, e.payload)
      batcher.add(NO_LINES, e.pos)
      return
    }
    typesInRead[msg.type]++
    batcher.add(scratch, e.pos)
    if (deps.keepLatest) keepLatest(msg, e.arrivalMs)
    if (deps.onMessage) {
      try {
        deps.onMessage(msg, e.arrivalMs)
      } catch (err) {
        log.error({ err }, 'onMessage hook failed')
      }
    }
  }

  function keepLatest(msg: DecodedMessage, arrivalMs: number): void {
    let state = latestByDevice.get(msg.deviceId)
    if (!state) {
      state = { lastSeen: arrivalMs }
      latestByDevice.set(msg.deviceId, state)
    }
    state.lastSeen = Math.max(state.lastSeen, arrivalMs)
    if (msg.type === 'telemetry' && (!state.reading || msg.reading.ts >= state.reading.ts))
      state.reading = msg.reading
    else if (msg.type === 'status') state.online = msg.online
    if (msg.type !== 'status' && msg.type !== 'command_ack') state.online = true
  }

  // prom-client label lookups cost more than the decode; count per read and publish once
  function publishCounts(): void {
    for (const k of Object.keys(typesInRead) as DecodedMessage['type'][]) {
      const n = typesInRead[k]
      if (n === 0) continue
      metrics.messages.inc({ type: k }, n)
      byType[k] += n
      typesInRead[k] = 0
    }
    if (rejectedInRead > 0) metrics.messages.inc({ type: 'rejected' }, rejectedInRead)
    rejectedInRead = 0
  }

  let stopping = false
  let wakeStop: () => void = () => {}
  const stopSignal = new Promise<void>((resolve) => {
    wakeStop = resolve
  })

  async function run(): Promise<void> {
    if (deps.ready) await Promise.race([deps.ready.catch(() => undefined), stopSignal])
    while (!stopping) {
      if (!batcher.hasRoom()) {
        await Promise.race([batcher.waitForRoom(), stopSignal])
        continue
      }
      let entries: SpoolEntry[]
      try {
        entries = await spool.next(config.maxBatch, 500)
      } catch (err) {
        lastError = (err as Error).message
        log.error({ err }, 'spool read failed')
        await Promise.race([new Promise((r) => setTimeout(r, 1000)), stopSignal])
        continue
      }
      // a reader that answers at once with nothing (closed, or a broken wait) must not starve the event
      // loop: this loop would otherwise only ever await resolved promises
      if (entries.length === 0) await new Promise((r) => setImmediate(r))
      for (const e of entries) processEntry(e)
      publishCounts()
    }
  }

  async function shutdown(): Promise<void> {
    stopping = true
    wakeStop()
    spool.notify()
    await running
    const drained = await batcher.drain(config.drainTimeoutMs ?? 10_000)
    if (!drained) log.warn({ committed }, 'stopped before InfluxDB took everything; the rest stays spooled')
    if (committing) await committing
    if (commitTarget) await commitLoop()
    await deadLetters.close()
    log.info({ committed }, 'ingest stopped')
  }
  let stopped: Promise<void> | undefined

  let crashed: string | undefined
  const running = run().catch((err) => {
    lastError = (err as Error).message
    crashed = lastError
    log.error({ err }, 'ingest loop crashed')
  })
  log.info({ maxBatch: config.maxBatch, maxInflight: config.maxInflight }, 'ingest started')

  return {
    stats() {
      const b = batcher.stats()
      return {
        messages: byType.telemetry + byType.event + byType.status + byType.command_ack + rejections.total(),
        byType: { ...byType },
        rejected: rejections.total(),
        rejectedByReason: rejections.byReason(),
        rejectedByDevice: rejections.byDevice(),
        pointsWritten: b.pointsWritten,
        deadLettered: b.deadLettered,
        writeRetries: b.retries,
        inflightWrites: b.inflight,
        bufferedLines: b.bufferedLines,
        committed,
        lastError: lastError ?? b.lastError,
      }
    },
    latest: (deviceId) => latestByDevice.get(deviceId),
    health() {
      if (crashed !== undefined)
        return {
          ok: false,
          problems: [
            {
              key: 'ingest.stopped',
              summary: `ingest stopped reading the spool (${crashed}): nothing more is stored, readings wait in the spool until the service is restarted; see the log's "ingest loop crashed"`,
            },
          ],
        }
      const refused = batcher.stats().refused
      if (!refused) return { ok: true }
      return {
        ok: false,
        refusedStatus: refused.status,
        refusedSinceMs: refused.sinceMs,
        problems: [
          {
            key: 'ingest.writes-refused',
            summary: `InfluxDB refuses ingest's writes (${refused.status}: ${refused.error}): nothing is stored, readings wait in the spool. Check INFLUX_USER/INFLUX_PASSWORD (or INFLUX_TOKEN) and that the user may WRITE to the database`,
          },
        ],
      }
    },
    stop() {
      stopped ??= shutdown()
      return stopped
    },
  }
}
