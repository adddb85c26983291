// The node's own MQTT client connects in process and needs no secret. The secret an earlier version stored
// for that account (`svc:api`, which may send any device a command) must not stay a way in over TCP.
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { openRegistry } from '../../registry/index.ts'
import { refusedConnect } from '../broker/helpers.ts'
import { createServiceProcess, type ServiceProcess } from '../support/service-process.ts'

let svc: ServiceProcess | undefined
afterAll(async () => {
  await svc?.kill('SIGKILL')
})

describe('the service account svc:api', () => {
  it('is no way in over TCP with the secret a previous run stored', async () => {
    svc = await createServiceProcess({ influxUrl: inject('influxUrl') })
    await svc.start()
    await svc.kill('SIGTERM')
    // what an earlier version left in registry.db: the secret it rotated at its start
    const registry = openRegistry({ path: join(svc.dataDir, 'registry.db'), log: pino({ level: 'silent' }) })
    const old = registry.rotateServiceSecret('api')
    registry.close()
    await svc.start()
    const code = await refusedConnect(svc.mqttUrl, {
      clientId: 'svc:api-outsider',
      username: 'svc:api',
      password: old,
    })
    expect(code).toBe(4)
  }, 60_000)
})
