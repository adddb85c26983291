// The InfluxDB part of a node: the client, and the database made ready in the background. InfluxDB may be
// down when the node starts: the spool holds the data meanwhile, so start-up never waits for it; the
// database is created (with its retention) as soon as the server answers, retrying with backoff.
//
// InfluxDB may also answer and refuse (authentication on, a user without admin rights: CREATE DATABASE
// needs them). Ingest cannot write until that is mended, so it is an error with what to do, a metric, and
// a node that is not ready; the attempts go on, and the first that succeeds lets ingest write the spool.
// A user without admin rights can still be given a database an administrator made: when CREATE DATABASE is
// refused and SHOW DATABASES lists the database, it is used as it is.
import type { Logger } from 'pino'
import { Counter, type Registry as MetricsRegistry } from 'prom-client'
import { CourtyardError } from '../domain/errors.ts'
import type { PartHealth, RunningPart } from '../domain/part.ts'
import { createInfluxClient } from './client.ts'
import type { InfluxClient, InfluxConfig } from './types.ts'

export interface InfluxPart extends RunningPart {
  client: InfluxClient
  /** resolves once the database exists (never rejects; stays pending while InfluxDB is unreachable or refuses) */
  ready: Promise<void>
  /** CREATE DATABASE again, e.g. after it was dropped at run time */
  ensureDatabase(): Promise<void>
  health(): Promise<PartHealth>
}

/** Where the database stands: `refused` keeps InfluxDB's own words for the operator. */
type DatabaseState = { state: 'creating' | 'ready' | 'unreachable' } | { state: 'refused'; error: string }

const RETRY_BASE_MS = 500
const RETRY_CAP_MS = 30_000

/** InfluxDB answered and said no (credentials, privileges, a statement it refuses); else it was not reached */
const isRefusal = (err: unknown) => !(err instanceof CourtyardError && err.code === 'INFLUX_UNAVAILABLE')

export function startInflux(deps: {
  config: InfluxConfig & { retention?: string }
  log: Logger
  /** counts the database set-up attempts that failed (courtyard_influx_database_setup_failures_total) */
  metrics?: MetricsRegistry
  /** the backoff between attempts (tests shorten it) */
  retry?: { baseMs?: number; capMs?: number }
}): InfluxPart {
  const { config } = deps
  const log = deps.log.child({ component: 'influx' })
  const client = createInfluxClient(config)
  const failures = deps.metrics
    ? new Counter({
        name: 'courtyard_influx_database_setup_failures_total',
        help: 'Failed attempts to create the InfluxDB database, by reason (refused: InfluxDB answered no; unreachable)',
        labelNames: ['reason'],
        registers: [deps.metrics],
      })
    : undefined
  let database: DatabaseState = { state: 'creating' }
  let loggedRefusal: string | undefined
  let refusals = 0

  /** The database is usable although we may not create it: an administrator made it for a user without admin rights. */
  const existsAlready = async () => {
    try {
      // InfluxDB leaves `values` out when a user may see no database
      return (await client.query('SHOW DATABASES')).some((s) => s.values?.some((row) => row[0] === config.db))
    } catch {
      return false
    }
  }

  const ensureDatabase = async (): Promise<void> => {
    try {
      await client.ensureDatabase({ retention: config.retention })
      database = { state: 'ready' }
      loggedRefusal = undefined
      refusals = 0
      return
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err)
      if (!isRefusal(err)) {
        failures?.inc({ reason: 'unreachable' })
        database = { state: 'unreachable' }
        throw err
      }
      if (await existsAlready()) {
        database = { state: 'ready' }
        log.warn(
          { db: config.db, err: error },
          'InfluxDB refused to create or configure the database, which exists: using it as it is (its retention is not managed by Courtyard)',
        )
        return
      }
      failures?.inc({ reason: 'refused' })
      database = { state: 'refused', error }
      refusals++
      // a new refusal, then the 2nd, 4th, 8th… of the same: a night of retries every 30 s must not fill the log
      if (error !== loggedRefusal || (refusals & (refusals - 1)) === 0) {
        loggedRefusal = error
        log.error(
          { db: config.db, user: config.username, err: error, refusals, fix: refusalAdvice(config) },
          'InfluxDB refused to create the database; ingest waits, readings stay in the spool',
        )
      }
      throw err
    }
  }

  let stopped = false
  let wake: (() => void) | undefined
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })

  /** Tries until the database is there (or the part stops), with backoff: at start, and again when lost. */
  const keepTrying = async (): Promise<void> => {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        await ensureDatabase()
        if (attempt > 0)
          log.info({ db: config.db, attempts: attempt + 1 }, 'InfluxDB reachable, database ready')
        return
      } catch (err) {
        if (!isRefusal(err))
          log.warn({ err: String(err), attempt }, 'InfluxDB not reachable yet; data is spooled until it is')
        const base = deps.retry?.baseMs ?? RETRY_BASE_MS
        await pause(Math.min(deps.retry?.capMs ?? RETRY_CAP_MS, base * 2 ** attempt))
      }
    }
  }
  const ready = keepTrying()
  let retrying: Promise<void> = ready
  let retryingDone = false
  void ready.finally(() => {
    retryingDone = true
  })

  /**
   * Ingest found the database gone (dropped at run time) and asks for it again. If that fails, the part
   * goes on trying by itself: nothing else would make it ready again once an administrator has mended it.
   */
  const ensureAgain = async (): Promise<void> => {
    try {
      await ensureDatabase()
    } catch (err) {
      if (retryingDone && !stopped) {
        retryingDone = false
        retrying = keepTrying().finally(() => {
          retryingDone = true
        })
      }
      throw err
    }
  }

  return {
    client,
    ready,
    ensureDatabase: ensureAgain,
    async health() {
      const reachable = await client.ping().catch(() => false)
      const health: PartHealth = {
        ok: reachable && database.state === 'ready',
        reachable,
        database: database.state,
      }
      if (database.state === 'refused')
        health.problems = [
          {
            key: 'influx.database',
            summary: `InfluxDB refused to create database "${config.db}" (${database.error}): ingest is not writing, readings wait in the spool. To mend: ${refusalAdvice(config)}`,
          },
        ]
      return health
    },
    async stop() {
      stopped = true
      wake?.()
      await ready
      await retrying
      await client.close()
    },
  }
}

function refusalAdvice(config: InfluxConfig): string {
  const who =
    config.username !== undefined ? `InfluxDB user "${config.username}"` : 'the InfluxDB credentials'
  return `give ${who} admin rights, or have an administrator create database "${config.db}" and grant the user READ and WRITE on it (GRANT ALL ON "${config.db}" TO the user; Courtyard retries and then writes what is spooled)`
}
