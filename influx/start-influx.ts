// The InfluxDB part of a node: the client, and the database made ready in the background. InfluxDB may be
// down when the node starts: the spool holds the data meanwhile, so start-up never waits for it; the
// database is created (with its retention) as soon as the server answers, retrying with backoff.
import type { Logger } from 'pino'
import type { PartHealth, RunningPart } from '../domain/part.ts'
import { createInfluxClient } from './client.ts'
import type { InfluxClient, InfluxConfig } from './types.ts'

export interface InfluxPart extends RunningPart {
  client: InfluxClient
  /** resolves once the database exists (never rejects; stays pending while InfluxDB is unreachable) */
  ready: Promise<void>
  /** CREATE DATABASE again, e.g. after it was dropped at run time */
  ensureDatabase(): Promise<void>
  health(): Promise<PartHealth>
}

const RETRY_BASE_MS = 500
const RETRY_CAP_MS = 30_000

export function startInflux(deps: {
  config: InfluxConfig & { retention?: string }
  log: Logger
  /** the backoff between attempts (tests shorten it) */
  retry?: { baseMs?: number; capMs?: number }
}): InfluxPart {
  const { config } = deps
  const log = deps.log.child({ component: 'influx' })
  const client = createInfluxClient(config)
  const ensureDatabase = () => client.ensureDatabase({ retention: config.retention })
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

  const ready = (async () => {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        await ensureDatabase()
        if (attempt > 0)
          log.info({ db: config.db, attempts: attempt + 1 }, 'InfluxDB reachable, database ready')
        return
      } catch (err) {
        log.warn({ err: String(err), attempt }, 'InfluxDB not reachable yet; data is spooled until it is')
        const base = deps.retry?.baseMs ?? RETRY_BASE_MS
        await pause(Math.min(deps.retry?.capMs ?? RETRY_CAP_MS, base * 2 ** attempt))
      }
    }
  })()

  return {
    client,
    ready,
    ensureDatabase,
    async health() {
      const reachable = await client.ping().catch(() => false)
      return { ok: reachable, reachable }
    },
    async stop() {
      stopped = true
      wake?.()
      await ready
      await client.close()
    },
  }
}
