// Watches the node's readiness and turns what is wrong into operator alerts (notify/operator-alerts.ts):
// every part's listed problems, or the part itself when it is not ok and lists none. The same checks as
// /readyz, so what a load balancer sees and what an operator is told never disagree.
import type { Logger } from 'pino'
import type { PartHealth, RunningPart } from '../domain/part.ts'
import type { OperatorAlerts, OperatorProblem } from '../notify/index.ts'

/** The problems in a readiness report, keyed so that one problem keeps its key from check to check. */
export function problemsOf(checks: Record<string, PartHealth>): OperatorProblem[] {
  const out: OperatorProblem[] = []
  for (const [part, health] of Object.entries(checks)) {
    if (health.problems && health.problems.length > 0) out.push(...health.problems)
    else if (!health.ok) {
      const { ok: _ok, problems: _p, ...detail } = health
      out.push({ key: part, summary: `${part} not ready: ${JSON.stringify(detail).slice(0, 300)}` })
    }
  }
  return out
}

export function startOperatorWatch(deps: {
  readiness: () => Promise<{ checks: Record<string, PartHealth> }>
  alerts: OperatorAlerts
  intervalMs: number
  log: Logger
}): RunningPart {
  let running = false
  let previous = new Map<string, OperatorProblem>()
  const check = async () => {
    if (running) return
    running = true
    try {
      // a problem fires once two checks in a row saw it and resolves once two in a row did not: a lag
      // hovering at its threshold or a disk that frees a page now and then does not page anybody each time
      const now = new Map(problemsOf((await deps.readiness()).checks).map((p) => [p.key, p]))
      const firing = new Set(deps.alerts.firing())
      const steady: OperatorProblem[] = []
      for (const [key, p] of now) if (previous.has(key) || firing.has(key)) steady.push(p)
      for (const key of firing) if (!now.has(key) && previous.has(key)) steady.push(previous.get(key)!)
      previous = now
      deps.alerts.update(steady)
    } catch (err) {
      deps.log.error({ err }, 'operator watch: readiness not read')
    } finally {
      running = false
    }
  }
  const timer = setInterval(check, deps.intervalMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await deps.alerts.stop()
    },
  }
}
