// The broker's start-up warning when the kernel caps the accept queue below the fleet that reconnects at
// once after a restart (broker/listeners.ts): devices past the cap lose their SYNs and wait out TCP's
// retries, which stretched a 19,000-device storm from 13.2–22.8 s to 20.8–34.7 s here.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { acceptQueueWarning, readSomaxconn } from '../../broker/listeners.ts'

describe('the accept-queue warning', () => {
  it('says what caps the queue, how many devices wait and the command that fixes it', () => {
    expect(acceptQueueWarning(4096, 19_000)).toBe(
      'the kernel caps the MQTT accept queue at 4096 (net.core.somaxconn) while 19000 devices may ' +
        'reconnect at once after a restart: past it their SYNs are dropped and retried after 1, 3, 7 … s; ' +
        'raise it: sysctl -w net.core.somaxconn=65535',
    )
  })

  it('stays quiet when the queue holds the fleet, the cap is the listener’s own, or it is unknown', () => {
    expect(acceptQueueWarning(4096, 4096)).toBeUndefined()
    expect(acceptQueueWarning(4096, 120)).toBeUndefined()
    expect(acceptQueueWarning(65_535, 100_000)).toBeUndefined()
    expect(acceptQueueWarning(undefined, 100_000)).toBeUndefined()
  })

  it('reads the cap this machine’s kernel sets', () => {
    expect(readSomaxconn()).toBe(Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8')))
  })
})
