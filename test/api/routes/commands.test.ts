// POST/GET /api/v1/devices/{id}/commands over real HTTP, with the real broker and a simulated pile.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  type CommandHarness,
  type SimulatedPile,
  startCommandHarness,
} from '../../commands/command-harness.ts'

/** Asserts the `{error, message}` shape (api.md: Errors) and returns the code. */
function errorCode(body: unknown): string {
  const b = body as { error?: unknown; message?: unknown }
  expect(Object.keys(b ?? {}).sort()).toEqual(['error', 'message'])
  expect(typeof b.message === 'string' && b.message.length > 10).toBe(true)
  return b.error as string
}

describe('command routes', () => {
  let h: CommandHarness
  let pile: SimulatedPile
  beforeAll(async () => {
    h = await startCommandHarness({ timeoutMs: 1500 })
    pile = await h.pile('pile-1')
  })
  afterAll(async () => {
    await h?.close()
  })

  it('sends the command to the pile and answers with its ack', async () => {
    pile.mode = 'answer'
    const res = await h.call('POST', '/api/v1/devices/pile-1/commands', {
      body: { name: 'stop_port', args: { port: 2, reason: 'checking the socket' } },
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ id: expect.stringMatching(/^cmd-/), ok: true })
    expect(pile.received.at(-1)).toEqual({
      id: res.body.id,
      name: 'stop_port',
      args: { port: 2, reason: 'checking the socket' },
      ts: expect.any(Number),
      expiresAt: expect.any(Number),
    })
    // protocol v1.1: expiresAt defaults to ts + 10 s
    const sent = pile.received.at(-1)!
    expect(sent.expiresAt! - sent.ts!).toBe(10_000)
  })

  it('answers 200 with ok:false and the reason when the pile refuses', async () => {
    pile.mode = 'answer'
    const res = await h.call('POST', '/api/v1/devices/pile-1/commands', {
      body: { name: 'enable_port', args: { port: 11 } },
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ id: expect.any(String), ok: false, error: 'no port 11' })
  })

  it('takes a command without args as {}', async () => {
    pile.mode = 'answer'
    const res = await h.call('POST', '/api/v1/devices/pile-1/commands', { body: { name: 'ping' } })
    expect(res.status).toBe(200)
    expect(pile.received.at(-1)).toMatchObject({ id: res.body.id, name: 'ping', args: {} })
  })

  it('answers 504 DEVICE_TIMEOUT when the pile does not ack, and audits the timeout', async () => {
    pile.mode = 'silent'
    const before = pile.received.length
    const res = await h.call('POST', '/api/v1/devices/pile-1/commands', { body: { name: 'ping', args: {} } })
    expect(res.status).toBe(504)
    expect(errorCode(res.body)).toBe('DEVICE_TIMEOUT')
    expect(pile.received.length).toBe(before + 1)
    const id = pile.received.at(-1)!.id
    // the answer names the command and where to see whether the pile acted later
    expect(res.body.message).toBe(
      `pile-1 did not ack command ${id} within 1.5 s; GET /api/v1/devices/pile-1/commands shows whether it acted later`,
    )
    const audit = await h.call('GET', '/api/v1/devices/pile-1/commands?limit=1')
    expect(audit.body.items[0]).toMatchObject({ id, result: 'timeout' })
  })

  it('answers 409 DEVICE_OFFLINE at once to a device that is not connected, auditing and queuing nothing', async () => {
    // pile-2 was never connected in this suite
    const audited = (await h.call('GET', '/api/v1/devices/pile-2/commands')).body.items.length
    const res = await h.call('POST', '/api/v1/devices/pile-2/commands', {
      body: { name: 'stop_port', args: { port: 1 } },
    })
    expect(res.status).toBe(409)
    expect(errorCode(res.body)).toBe('DEVICE_OFFLINE')
    expect((await h.call('GET', '/api/v1/devices/pile-2/commands')).body.items.length).toBe(audited)
    expect(await h.metrics.getSingleMetricAsString('courtyard_commands_pending')).toMatch(
      /courtyard_commands_pending 0/,
    )
  })

  it('sends a repeated command id once and answers every request alike, concurrent or later', async () => {
    pile.mode = 'answer'
    const body = { id: 'op-42.retry:1', name: 'stop_port', args: { port: 4, reason: 'smoke' } }
    const [a, b] = await Promise.all([
      h.call('POST', '/api/v1/devices/pile-1/commands', { body }),
      h.call('POST', '/api/v1/devices/pile-1/commands', {
        body: { ...body, args: { reason: 'smoke', port: 4 } },
      }),
    ])
    expect(a).toEqual({ status: 200, body: { id: 'op-42.retry:1', ok: true } })
    expect(b).toEqual(a)
    const later = await h.call('POST', '/api/v1/devices/pile-1/commands', { body })
    expect(later).toEqual(a)
    expect(pile.received.filter((c) => c.id === body.id)).toHaveLength(1)
    const audit = await h.call('GET', '/api/v1/devices/pile-1/commands?limit=1000')
    expect(audit.body.items.filter((r: { id: string }) => r.id === body.id)).toHaveLength(1)

    // the same id for other arguments is another command: refused, nothing sent
    const other = await h.call('POST', '/api/v1/devices/pile-1/commands', {
      body: { ...body, args: { port: 5 } },
    })
    expect(other.status).toBe(409)
    expect(errorCode(other.body)).toBe('CONFLICT')
    expect(pile.received.filter((c) => c.id === body.id)).toHaveLength(1)
  })

  it('answers a retry of a timed-out command id with the same 504, not sending it again', async () => {
    pile.mode = 'silent'
    const body = { id: 'op-43', name: 'ping', args: {} }
    const first = await h.call('POST', '/api/v1/devices/pile-1/commands', { body })
    expect(first.status).toBe(504)
    expect(first.body.message).toContain('command op-43 ')
    pile.mode = 'answer'
    const retry = await h.call('POST', '/api/v1/devices/pile-1/commands', { body })
    expect(retry).toEqual(first)
    expect(pile.received.filter((c) => c.id === 'op-43')).toHaveLength(1)
  })

  it('keeps command ids per tenant: another tenant’s id is neither refused, nor revealed, nor taken', async () => {
    pile.mode = 'answer'
    const { secret } = await h.registry.provisionDevice({
      id: 'pile-b2',
      kind: 'charging-pile',
      siteId: 'bravo-shed',
    })
    h.secrets.set('pile-b2', secret)
    const bravoPile = await h.pile('pile-b2', 'answer')
    const ping = (id: string) => ({ id, name: 'ping', args: {} })
    const bravo = { token: h.tokens.bravoManager }

    // acme used `shared-7` first: bravo's own `shared-7` is a command of its own, sent and answered
    const acme7 = await h.call('POST', '/api/v1/devices/pile-1/commands', { body: ping('shared-7') })
    expect(acme7).toEqual({ status: 200, body: { id: 'shared-7', ok: true } })
    const bravo7 = await h.call('POST', '/api/v1/devices/pile-b2/commands', {
      ...bravo,
      body: ping('shared-7'),
    })
    expect(bravo7).toEqual({ status: 200, body: { id: 'shared-7', ok: true } })
    expect(bravoPile.received.map((c) => c.id)).toEqual(['shared-7'])

    // bravo used `shared-8` first: it does not take the id from acme
    const bravo8 = await h.call('POST', '/api/v1/devices/pile-b2/commands', {
      ...bravo,
      body: ping('shared-8'),
    })
    expect(bravo8.status).toBe(200)
    const acme8 = await h.call('POST', '/api/v1/devices/pile-1/commands', { body: ping('shared-8') })
    expect(acme8).toEqual({ status: 200, body: { id: 'shared-8', ok: true } })
    expect(pile.received.filter((c) => c.id.startsWith('shared-')).map((c) => c.id)).toEqual([
      'shared-7',
      'shared-8',
    ])

    // each tenant's audit holds its own rows, by its own callers
    const acmeAudit = await h.call('GET', '/api/v1/devices/pile-1/commands?limit=1000')
    const bravoAudit = await h.call('GET', '/api/v1/devices/pile-b2/commands', bravo)
    const shared = (items: { id: string; by: string }[]) =>
      items.filter((r) => r.id.startsWith('shared-')).map((r) => `${r.id} ${r.by}`)
    expect(shared(acmeAudit.body.items)).toEqual(['shared-8 token:acme ops', 'shared-7 token:acme ops'])
    expect(shared(bravoAudit.body.items)).toEqual(['shared-8 token:bravo ops', 'shared-7 token:bravo ops'])

    // within a tenant an id still names one command: another device of acme may not reuse it
    const reused = await h.call('POST', '/api/v1/devices/pile-2/commands', { body: ping('shared-7') })
    expect(reused.status).toBe(409)
    expect(errorCode(reused.body)).toBe('CONFLICT')
  })

  it.each([
    [
      'a command the kind does not take',
      'pile-1',
      { name: 'set_brightness', args: { pct: 50 } },
      /does not take/,
    ],
    ['an argument out of range', 'screen-1', { name: 'set_brightness', args: { pct: 150 } }, /pct/],
    ['a wrong argument type', 'pile-1', { name: 'stop_port', args: { port: 'three' } }, /port/],
    ['an unknown command name', 'pile-1', { name: 'self_destruct', args: {} }, /name/],
    ['an extra body property', 'pile-1', { name: 'ping', args: {}, force: true }, /force/],
    ['a command id with a space', 'pile-1', { id: 'op 1', name: 'ping', args: {} }, /id/],
  ])('answers 400 with the error shape for %s, sending nothing', async (_what, id, body, message) => {
    const before = pile.received.length
    const res = await h.call('POST', `/api/v1/devices/${id}/commands`, { body })
    expect(res.status).toBe(400)
    expect(errorCode(res.body)).toBe('BAD_REQUEST')
    expect(res.body.message).toMatch(message)
    expect(pile.received.length).toBe(before)
  })

  it('answers 404 for an unknown device and for another tenant’s device, sending nothing', async () => {
    const other = await h.pile('pile-b', 'answer')
    for (const [path, token] of [
      ['/api/v1/devices/pile-9/commands', h.tokens.acmeManager],
      ['/api/v1/devices/pile-b/commands', h.tokens.acmeManager],
      ['/api/v1/devices/pile-1/commands', h.tokens.bravoManager],
    ] as const) {
      const res = await h.call('POST', path, { token, body: { name: 'ping', args: {} } })
      expect(res.status).toBe(404)
      expect(errorCode(res.body)).toBe('DEVICE_UNKNOWN')
      expect((await h.call('GET', path, { token })).status).toBe(404)
    }
    expect(other.received).toEqual([])
  })

  it('answers 403 to a viewer token, which may still read the audit', async () => {
    const res = await h.call('POST', '/api/v1/devices/pile-1/commands', {
      token: h.tokens.acmeViewer,
      body: { name: 'ping', args: {} },
    })
    expect(res.status).toBe(403)
    expect(errorCode(res.body)).toBe('FORBIDDEN')
    expect(
      (await h.call('GET', '/api/v1/devices/pile-1/commands', { token: h.tokens.acmeViewer })).status,
    ).toBe(200)
  })

  it('lists the audit newest first with who, what, when and result, page by page', async () => {
    const all = await h.call('GET', '/api/v1/devices/pile-1/commands')
    expect(all.status).toBe(200)
    const ids = [...pile.received].reverse().map((c) => c.id)
    expect(all.body.items.map((r: { id: string }) => r.id)).toEqual(ids)
    expect(all.body.next).toBeUndefined()
    const first = all.body.items.at(-1)
    expect(first).toEqual({
      id: ids.at(-1),
      deviceId: 'pile-1',
      name: 'stop_port',
      args: { port: 2, reason: 'checking the socket' },
      // the token's name, not its secret or id
      by: 'token:acme ops',
      requestedAt: expect.any(Number),
      result: 'ok',
      ackAt: expect.any(Number),
    })

    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = await h.call(
        'GET',
        `/api/v1/devices/pile-1/commands?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      )
      expect(page.body.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.body.items.map((r: { id: string }) => r.id))
      cursor = page.body.next
    } while (cursor)
    expect(seen).toEqual(ids)
  })

  it("answers 400 for another device's cursor instead of a page of this one's audit", async () => {
    const first = await h.call('GET', '/api/v1/devices/pile-1/commands?limit=1')
    expect(first.body.next).toBeDefined()
    const res = await h.call('GET', `/api/v1/devices/pile-2/commands?cursor=${first.body.next}`)
    expect(res.status).toBe(400)
    expect(errorCode(res.body)).toBe('BAD_CURSOR')
  })

  it('answers 400 for a cursor that is not one of ours', async () => {
    const res = await h.call('GET', '/api/v1/devices/pile-1/commands?cursor=bm9wZQ')
    expect(res.status).toBe(400)
    expect(errorCode(res.body)).toBe('BAD_CURSOR')
  })
})

describe('command answers when the service could not send or stopped waiting', () => {
  let h: CommandHarness
  let pile: SimulatedPile
  beforeAll(async () => {
    h = await startCommandHarness({ timeoutMs: 5000 })
    pile = await h.pile('pile-1', 'silent')
  })
  afterAll(async () => {
    vi.restoreAllMocks()
    await h?.close()
  })

  it('answers 503 NOT_READY naming the command the broker did not take, never the broker error', async () => {
    vi.spyOn(h.service, 'publishAsync').mockRejectedValueOnce(new Error('connect ECONNREFUSED 10.9.8.7:1883'))
    const res = await h.call('POST', '/api/v1/devices/pile-1/commands', {
      body: { id: 'op-ns', name: 'ping' },
    })
    expect(res.status).toBe(503)
    expect(errorCode(res.body)).toBe('NOT_READY')
    expect(res.body.message).toContain('command op-ns was not sent to pile-1')
    expect(res.body.message).toContain('GET /api/v1/devices/pile-1/commands')
    expect(res.body.message).not.toMatch(/ECONNREFUSED|10\.9\.8\.7|1883/)
    const audit = await h.call('GET', '/api/v1/devices/pile-1/commands?limit=1')
    expect(audit.body.items[0]).toMatchObject({ id: 'op-ns', result: 'not_sent' })
  })

  it('answers 503 NOT_READY naming the command when the service stops while waiting for the ack', async () => {
    const arrived = new Promise<void>((resolve) => {
      pile.onCommand = () => resolve()
    })
    const answer = h.call('POST', '/api/v1/devices/pile-1/commands', { body: { id: 'op-int', name: 'ping' } })
    await arrived
    await h.commands.close()
    const res = await answer
    expect(res.status).toBe(503)
    expect(errorCode(res.body)).toBe('NOT_READY')
    expect(res.body.message).toContain('ack command op-int')
    expect(res.body.message).toContain('GET /api/v1/devices/pile-1/commands')
    const audit = await h.call('GET', '/api/v1/devices/pile-1/commands?limit=1')
    expect(audit.body.items[0]).toMatchObject({ id: 'op-int', result: 'interrupted' })
  })
})
