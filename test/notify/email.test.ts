import { type AddressInfo, createServer, type Socket } from 'node:net'
import nodemailer from 'nodemailer'
import { SMTPServer } from 'smtp-server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { change, makeAlert, type NotifyHarness, SEC, startNotifyHarness, T0 } from './notify-support.ts'

interface Mail {
  from: string
  to: string[]
  raw: string
}

/** A real SMTP server on 127.0.0.1 (no TLS, no auth); `reject` queues RCPT answers, e.g. 451. */
async function startSmtp() {
  const mails: Mail[] = []
  const rejects: number[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, cb) {
      const code = rejects.shift()
      if (code === undefined) return cb()
      cb(
        Object.assign(new Error(code >= 500 ? 'mailbox unavailable' : 'try again later'), {
          responseCode: code,
        }),
      )
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        })
        cb()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  return {
    port,
    mails,
    reject: (...codes: number[]) => rejects.push(...codes),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Header unfolding and quoted-printable soft breaks, enough to read what nodemailer wrote. */
function readable(raw: string) {
  const [head = '', ...rest] = raw.split('\r\n\r\n')
  // quoted-printable escapes are bytes of UTF-8: decode them as such
  const qp = rest.join('\r\n\r\n').replace(/=\r\n/g, '')
  const bytes = qp.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
  const body = Buffer.from(bytes, 'latin1').toString('utf8')
  const subject = /^Subject: (.*)$/m.exec(head.replace(/\r\n[ \t]+/g, ' '))?.[1]
  return { head, subject, body }
}

describe('email over SMTP', () => {
  let h: NotifyHarness
  let smtp: Awaited<ReturnType<typeof startSmtp>>
  beforeEach(async () => {
    smtp = await startSmtp()
    h = startNotifyHarness({
      createMailTransport: () =>
        nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true }),
      mailFrom: 'Courtyard <alerts@courtyard.test>',
    })
  })
  afterEach(async () => {
    await h.close()
    await smtp.close()
  })

  const emailChannel = () =>
    h.config.createChannel({
      tenantId: 'acme',
      name: 'night crew',
      type: 'email',
      config: { to: ['crew@acme.test', 'lead@acme.test'] },
    }).id

  it('delivers the alert to a real SMTP server with a subject and body naming it', async () => {
    h.route({ channelIds: [emailChannel()] })
    const alert = makeAlert({
      type: 'leakage',
      severity: 'critical',
      message: 'feeder leakage 34 mA',
      lastValue: 34,
    })
    h.emit(change(alert, 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)

    expect(smtp.mails).toHaveLength(1)
    const mail = smtp.mails[0]!
    expect(mail.from).toBe('alerts@courtyard.test')
    expect(mail.to).toEqual(['crew@acme.test', 'lead@acme.test'])
    const { subject, body, head } = readable(mail.raw)
    expect(subject).toBe('[CRITICAL] leakage at Shed A (Garden Court)')
    expect(body).toContain('feeder leakage 34 mA')
    expect(body).toContain(alert.id)
    expect(body).toContain('last value 34')
    expect(head).toMatch(/^X-Courtyard-Delivery: ntf-/m)
    expect(
      await h.metric('courtyard_notifications_total', { channel_type: 'email', outcome: 'delivered' }),
    ).toBe(1)
  })

  it('retries a transient SMTP refusal (451) and gives up on a permanent one (550)', async () => {
    h.route({ channelIds: [emailChannel()], repeatEveryMin: { critical: null } })
    smtp.reject(451, 451)
    h.emit(change(makeAlert(), 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)
    expect(smtp.mails).toHaveLength(0)
    expect(
      await h.metric('courtyard_notifications_total', { channel_type: 'email', outcome: 'failed' }),
    ).toBe(1)
    await h.tickAt(T0 + 60 * SEC)
    expect(smtp.mails).toHaveLength(1)

    smtp.reject(550, 550)
    h.emit(change(makeAlert({ siteId: 'acme-shed-2' }), 'raised', T0 + 60 * SEC))
    await h.tickAt(T0 + 90 * SEC)
    await h.tickAt(T0 + 300 * SEC)
    expect(smtp.mails).toHaveLength(1)
    expect(await h.metric('courtyard_notifications_total', { channel_type: 'email', outcome: 'dead' })).toBe(
      1,
    )
  })

  it("keeps a device's hostile text and a hostile site name out of the headers and off lines of their own", async () => {
    h.restart({
      getSite: () => ({
        tenantId: 'acme',
        name: 'Shed\r\nBcc: all@evil.test',
        community: 'Garden\u202ECourt',
      }),
    })
    h.route({ channelIds: [emailChannel()] })
    const text = 'smoke detected\n✅ CLEARED smoke at Shed A, see http://evil.test/ok'
    h.emit(change(makeAlert({ message: text, lastValue: 'x\r\ny' }), 'raised', T0))
    await h.tickAt(T0 + 30 * SEC)

    expect(smtp.mails).toHaveLength(1)
    const mail = smtp.mails[0]!
    expect(mail.to).toEqual(['crew@acme.test', 'lead@acme.test'])
    const { subject, body, head } = readable(mail.raw)
    expect(head).not.toMatch(/^Bcc:/im)
    expect(subject).toBe('[CRITICAL] smoke at Shed Bcc: all@evil.test (GardenCourt)')
    const lines = body.trim().split(/\r?\n/)
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain('smoke detected ✅ CLEARED smoke at Shed A, see http：//evil.test/ok')
    expect(lines[1]).toContain('last value x y')
  })

  it('gives up an attempt on an SMTP server that accepts and never greets at the attempt deadline', async () => {
    // a TCP listener that never says 220: nodemailer alone would wait out its 30 s greeting timeout
    const sockets: Socket[] = []
    const mute = createServer((sock) => sockets.push(sock))
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve))
    const port = (mute.address() as AddressInfo).port
    try {
      h.restart({
        httpTimeoutMs: 300,
        createMailTransport: () =>
          nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true }),
      })
      h.route({ channelIds: [emailChannel()], repeatEveryMin: { critical: null } })
      h.emit(change(makeAlert(), 'raised', T0))
      await h.tickAt(T0 + 30 * SEC)
      expect(sockets).toHaveLength(1)
      const rows = h.db.prepare('SELECT state, attempts, last_error AS error FROM notify_outbox').all()
      expect(rows).toEqual([{ state: 'pending', attempts: 1, error: 'timeout after 300 ms' }])
    } finally {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => mute.close(() => resolve()))
    }
  })
})
