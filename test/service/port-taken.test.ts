// A port the service should listen on, held by another process (on Debian the mosquitto package runs a
// broker on 1883): the real service stops with one line naming the variable that chose the port and what
// to do, not only the system's "EADDRINUSE".
import { once } from 'node:events'
import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createServiceProcess } from '../support/service-process.ts'

describe('a listener port held by another process', () => {
  let holder: Server
  let port: number
  beforeAll(async () => {
    holder = createServer().listen(0, '127.0.0.1')
    await once(holder, 'listening')
    port = (holder.address() as { port: number }).port
  })
  afterAll(() => holder?.close())

  it.each([
    ['MQTT_PORT', 'another MQTT broker, such as the mosquitto service'],
    ['HTTP_PORT', 'another web server'],
  ])('stops the service with a line naming %s and what holds it', async (name, what) => {
    const svc = await createServiceProcess({
      influxUrl: inject('influxUrl'),
      extraEnv: { [name]: String(port) },
    })
    const failed = await svc.start().then(
      () => '',
      (err: unknown) => String(err),
    )
    await svc.kill('SIGKILL')
    expect(failed).toContain(
      `courtyard failed to start: ${name}=${port}: port ${port} on 127.0.0.1 is taken by another process (${what}, or a Courtyard already running; \`ss -ltnp\` shows which). Stop it, or set ${name} to a free port`,
    )
  })
})
