// Log lines: JSON for machines, readable lines on a terminal, LOG_FORMAT to force either; and each line
// names its component once. The real service (`npm run demo`'s process) writes the lines checked here.
import { describe, expect, inject, it } from 'vitest'
import { loadConfig } from '../../service/config.ts'
import { chooseLogFormat } from '../../service/logger.ts'
import { createServiceProcess, pollUntil, type ServiceProcess } from '../support/service-process.ts'

const influxUrl = inject('influxUrl')

describe('chooseLogFormat', () => {
  it.each([
    [undefined, true, 'pretty'],
    [undefined, false, 'json'],
    ['json', true, 'json'],
    ['pretty', false, 'pretty'],
  ] as const)('LOG_FORMAT=%s, stdout a terminal: %s → %s', (configured, tty, format) => {
    expect(chooseLogFormat(configured, tty)).toBe(format)
  })

  it('takes LOG_FORMAT from the configuration and rejects anything but json or pretty', () => {
    const ok = loadConfig({ LOG_FORMAT: 'pretty' })
    expect(ok.ok && ok.config.logFormat).toBe('pretty')
    const unset = loadConfig({})
    expect(unset.ok && unset.config.logFormat).toBeUndefined()
    const bad = loadConfig({ LOG_FORMAT: 'yaml' })
    expect(bad.ok ? [] : bad.errors).toEqual(['LOG_FORMAT=yaml is invalid: expected json or pretty'])
  })
})

/** Runs the demo until the fleet has logged its start, then stops it; returns what it printed. */
async function demoOutput(extraEnv: Record<string, string>): Promise<string> {
  let svc: ServiceProcess | undefined
  try {
    svc = await createServiceProcess({ influxUrl, extraEnv, args: ['--demo'] })
    await svc.start()
    const s = svc
    await pollUntil(() => s.output().includes('fleet started'), { what: 'the fleet to start' })
    return s.output()
  } finally {
    await svc?.kill('SIGTERM')
  }
}

describe('the service log', () => {
  it('is one JSON object a line when stdout is not a terminal, each naming its component once', async () => {
    const out = await demoOutput({})
    const lines = out.split('\n').filter((l) => l.startsWith('{'))
    const parsed = lines.map((l) => JSON.parse(l) as { component?: string; thread?: string; msg: string })
    // the demo hands its logger to the fleet, and the alert thread writes its own lines
    expect(parsed.find((l) => l.msg === 'fleet started')?.component).toBe('fleet')
    expect(parsed.find((l) => l.msg === 'alert engine started')).toMatchObject({
      thread: 'alerts',
      component: 'alert-engine',
    })
    expect(parsed.some((l) => l.component === 'demo')).toBe(true)
    // JSON.parse keeps the last of repeated keys: count them in the text
    for (const l of lines) expect(l.match(/"component":/g)?.length ?? 0, l).toBeLessThanOrEqual(1)
  })

  it('is readable lines with LOG_FORMAT=pretty, the alert thread’s too', async () => {
    const out = await demoOutput({ LOG_FORMAT: 'pretty' })
    const lines = out.split('\n')
    expect(lines.filter((l) => l.startsWith('{'))).toEqual([])
    // [time] LEVEL: component: message {fields}
    expect(lines).toContainEqual(
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: fleet: fleet started \{"devices":\d+/),
    )
    expect(lines).toContainEqual(
      expect.stringMatching(/^\[[\d:.]+\] INFO: alert-engine: alert engine started /),
    )
    expect(lines).toContainEqual(expect.stringMatching(/^\[[\d:.]+\] INFO: service ready /))
  })
})
