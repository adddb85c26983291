// The two ways out: an HTTP POST (our signed JSON or a group robot's format) and an email over SMTP.
// Each answers delivered, or failed and whether trying again could help.
import type { Transporter } from 'nodemailer'
import { courtyardSignature, messageText, messageTitle, renderWebhook } from './format.ts'
import type { Channel, EmailConfig, OutgoingMessage, WebhookConfig } from './types.ts'

export type SendOutcome = { ok: true } | { ok: false; retryable: boolean; error: string }

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>

// the robots answer HTTP 200 with an error code in the body; only their rate limits are worth retrying:
// WeCom 45009, DingTalk 130101, Feishu 11232
const ROBOT_RATE_LIMITED = new Set([45009, 130101, 11232])

function robotError(body: string): { code: number; msg: string } | undefined {
  try {
    const j = JSON.parse(body) as { errcode?: number; errmsg?: string; code?: number; msg?: string }
    const code = j.errcode ?? j.code
    if (typeof code === 'number' && code !== 0) return { code, msg: String(j.errmsg ?? j.msg ?? '') }
  } catch {
    // not JSON: a plain 2xx is success
  }
  return undefined
}

/** 408, 429 and 5xx may pass later; other 4xx are a wrong URL, key or signature and will not. */
const retryableStatus = (s: number) => s === 408 || s === 429 || s >= 500

export async function sendWebhook(opts: {
  fetch: FetchLike
  config: WebhookConfig
  secret?: string
  msg: OutgoingMessage
  sentAtMs: number
  timeoutMs: number
}): Promise<SendOutcome> {
  const { config, secret, msg, sentAtMs } = opts
  const req = renderWebhook(config.format, config.url, msg, sentAtMs, secret)
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'courtyard-notifier/1',
    'x-courtyard-delivery': msg.id,
    // the same value is `sentAt` inside the signed body, so a receiver can refuse stale replays
    'x-courtyard-timestamp': String(sentAtMs),
  }
  if (secret) headers['x-courtyard-signature'] = courtyardSignature(secret, req.body)
  let res: Response
  try {
    res = await opts.fetch(req.url, {
      method: 'POST',
      headers,
      body: req.body,
      redirect: 'error',
      signal: AbortSignal.timeout(opts.timeoutMs),
    })
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } }
    // the address policy (webhook-guard.ts) refused the connection: trying again cannot help
    if (e.cause?.code === 'EWEBHOOKREFUSED') return { ok: false, retryable: false, error: e.cause.message! }
    const reason =
      e.name === 'TimeoutError' ? `timeout after ${opts.timeoutMs} ms` : (e.cause?.code ?? e.message)
    return { ok: false, retryable: true, error: reason }
  }
  const text = await res.text().catch(() => '')
  if (!res.ok) return { ok: false, retryable: retryableStatus(res.status), error: `HTTP ${res.status}` }
  if (config.format !== 'json') {
    const r = robotError(text)
    if (r)
      return {
        ok: false,
        retryable: ROBOT_RATE_LIMITED.has(r.code),
        error: `robot error ${r.code} ${r.msg}`.trim(),
      }
  }
  return { ok: true }
}

export type MailTransport = Pick<Transporter, 'sendMail'>

// SMTP reply codes 4xx are transient (RFC 5321 §4.2.1); 5xx permanent
const transientSmtp = (err: { responseCode?: number; code?: string }) =>
  err.responseCode === undefined || (err.responseCode >= 400 && err.responseCode < 500)

export async function sendEmail(opts: {
  transport: MailTransport
  from: string
  config: EmailConfig
  msg: OutgoingMessage
}): Promise<SendOutcome> {
  try {
    await opts.transport.sendMail({
      from: opts.from,
      to: opts.config.to,
      subject: messageTitle(opts.msg),
      text: messageText(opts.msg),
      headers: { 'X-Courtyard-Delivery': opts.msg.id },
    })
    return { ok: true }
  } catch (err) {
    const e = err as Error & { responseCode?: number; code?: string }
    return {
      ok: false,
      retryable: transientSmtp(e),
      error: e.responseCode ? `SMTP ${e.responseCode}` : (e.code ?? e.message),
    }
  }
}

export const channelLabel = (c: Pick<Channel, 'id' | 'type'>) => `${c.type}:${c.id}`
