// What `npm run demo` tells a newcomer at the terminal: where the console, the API, the broker and its
// data are while it runs, and, once Ctrl-C has stopped it, where its data stayed. The real service with
// the demo (`scripts/start.mjs --demo`) as a child process.
import { describe, expect, inject, it } from 'vitest'
import { createServiceProcess, pollUntil } from '../support/service-process.ts'

describe('the demo at the terminal', () => {
  it('names what runs and where its data is, and after Ctrl-C where the data stayed', async () => {
    const svc = await createServiceProcess({ influxUrl: inject('influxUrl'), args: ['--demo'] })
    try {
      await svc.start()
      await pollUntil(() => svc.printed('Ctrl-C stops everything.'), { what: 'the demo banner' })
      expect(svc.printed(`  console:  ${svc.httpUrl}/`)).toBe(true)
      expect(svc.printed(`  MQTT:     ${svc.mqttUrl} (the simulated devices publish here)`)).toBe(true)
      expect(svc.printed(`  data:     ${svc.dataDir} (kept between runs)`)).toBe(true)
      // as a terminal's Ctrl-C reaches the service
      await svc.kill('SIGINT')
      expect(svc.output()).toContain('"msg":"stopped"')
      expect(svc.output()).toContain(
        `Courtyard demo stopped. Its data stays in ${svc.dataDir}: the next \`npm run demo\` carries on with the same estate and history; delete that folder to start afresh.`,
      )
    } finally {
      await svc.kill('SIGKILL')
    }
  })
})
