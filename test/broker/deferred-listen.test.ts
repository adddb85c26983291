// A node lets its devices in last: with `deferListen` the broker opens no listener until `listen()`, so a
// fleet reconnecting at once after a restart is refused by the kernel while the node's other parts start,
// instead of waiting in the accept queue for a main thread that is busy starting them.
import { connect as netConnect } from 'node:net'
import mqtt from 'mqtt'
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { createBroker } from '../../broker/index.ts'
import { freePort } from '../../influx/index.ts'
import { openSpoolWriter } from '../../spool/index.ts'
import { tempDir } from '../spool/helpers.ts'
import { FakeDirectory, silentLog } from './helpers.ts'

const tcpConnect = (port: number) =>
  new Promise<void>((resolve, reject) => {
    const s = netConnect(port, '127.0.0.1')
    s.once('connect', () => {
      s.destroy()
      resolve()
    })
    s.once('error', reject)
  })

describe('a broker that listens when told', () => {
  it('refuses connections until listen(), then lets devices in', async () => {
    const tmp = tempDir('broker-defer')
    const spool = await openSpoolWriter({ dir: tmp.dir, maxBytes: 1 << 26, log: silentLog })
    const port = await freePort()
    const broker = await createBroker({
      directory: new FakeDirectory().addDevice('late-01', 's-late'),
      spool,
      log: silentLog,
      metrics: new Registry(),
      config: { host: '127.0.0.1', mqttPort: port },
      deferListen: true,
    })
    try {
      expect(broker.listening()).toBe(false)
      await expect(tcpConnect(port)).rejects.toThrow(/ECONNREFUSED/)
      expect(await broker.listen()).toMatchObject({ mqtt: port })
      expect(broker.listening()).toBe(true)
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
        clientId: 'late-01',
        username: 'late-01',
        password: 's-late',
        reconnectPeriod: 0,
      })
      await c.endAsync()
    } finally {
      await broker.close()
      await spool.close()
      tmp.remove()
    }
  })
})
