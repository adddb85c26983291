// The parts of a node, started in order and stopped in the reverse order. A part that fails to start
// stops the ones already running; a part that fails to stop is logged and the others still stop.
// Readiness is every part's health together, under the part's name.
import type { Logger } from 'pino'
import type { PartHealth, RunningPart } from '../domain/part.ts'

export interface PartList {
  /** Starts a part; if it throws, the parts started before it are stopped and the error is rethrown. */
  start<P extends RunningPart>(name: string, start: () => P | Promise<P>): Promise<P>
  /** `/readyz`: ready when every part that reports health is ok */
  readiness(): Promise<{ ok: boolean; checks: Record<string, PartHealth> }>
  stop(): Promise<void>
}

export function createPartList(log: Logger): PartList {
  const running: { name: string; part: RunningPart }[] = []
  let stopping: Promise<void> | undefined

  const stop = () => {
    stopping ??= (async () => {
      for (const { name, part } of running.toReversed()) {
        try {
          await part.stop()
        } catch (err) {
          log.error({ err, part: name }, 'part did not stop cleanly')
        }
      }
      running.length = 0
    })()
    return stopping
  }

  return {
    async start<P extends RunningPart>(name: string, start: () => P | Promise<P>): Promise<P> {
      let part: P
      const t0 = performance.now()
      try {
        part = await start()
      } catch (err) {
        log.error({ err, part: name }, 'part failed to start; stopping the others')
        await stop()
        throw err
      }
      running.push({ name, part })
      // what a restart waits for, part by part (the reconnect storm: bench/README.md)
      log.debug({ part: name, ms: Math.round(performance.now() - t0) }, 'part started')
      return part
    },
    async readiness() {
      const reports = await Promise.all(
        running.map(async ({ name, part }) => {
          if (!part.health) return undefined
          try {
            return [name, await part.health()] as const
          } catch (err) {
            return [name, { ok: false, error: (err as Error).message }] as const
          }
        }),
      )
      const checks: Record<string, PartHealth> = {}
      for (const r of reports) if (r) checks[r[0]] = r[1]
      return { ok: Object.values(checks).every((c) => c.ok), checks }
    },
    stop,
  }
}
