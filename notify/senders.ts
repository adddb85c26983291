// The two ways out: an HTTP POST (our signed JSON or a group robot's format) and an email over SMTP.
// Each answers delivered, or failed and whether trying again could help.
import type { Transporter } from 'nodemailer'
import {
  courtyardSignature,
  messageText,
  messageTitle,
  type RenderedRequest,
  renderWebhook,
} from './format.ts'
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

/** At most this much of a receiver's answer is read; the robots answer a few hundred bytes. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024

type BodyRead = { ok: true; text: string } | { ok: false; error: string }

/**
 * The response body, read until `maxBytes` at most. A receiver streaming without end (or a huge page)
 * is cut off there: the read is cancelled, which closes the connection, so memory stays bounded whatever
 * a tenant's URL sends back.
 */
async function readBounded(res: Response, maxBytes: number): Promise<BodyRead> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN)
  const tooBig = { ok: false, error: `response body over ${maxBytes} bytes` } as const
  if (!res.body) return { ok: true, text: '' }
  if (declared > maxBytes) {
    await res.body.cancel().catch(() => {})
    return tooBig
  }
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => {})
      return tooBig
    }
    chunks.push(value)
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') }
}

/** 408, 429 and 5xx may pass later; other 4xx are a wrong URL, key or signature and will not. */
const retryableStatus = (s: number) => s === 408 || s === 429 || s >= 500

export async function sendWebhook(opts: {
  fetch: FetchLike
  config: WebhookConfig
  secret?: string
  msg: OutgoingMessage
  sentAtMs: number
  /** the whole attempt: connect, headers and body */
  timeoutMs: number
  maxResponseBytes?: number
  /** aborts the attempt early (the notifier stopping) */
  signal?: AbortSignal
}): Promise<SendOutcome> {
  const { config, secret, msg, sentAtMs } = opts
  const req = renderWebhook(config.format, config.url, msg, sentAtMs, secret)
  return postWebhook({ ...opts, req, deliveryId: msg.id })
}

/**
 * Posts a rendered webhook request (ours or a robot's) with the delivery headers and our signature, within
 * one deadline, reading at most `maxResponseBytes` of the answer; a robot's error code in a 200 is a
 * failure.
 */
export async function postWebhook(opts: {
  fetch: FetchLike
  config: Pick<WebhookConfig, 'format'>
  secret?: string
  req: RenderedRequest
  /** stable across retries, so receivers can drop duplicates */
  deliveryId: string
  sentAtMs: number
  timeoutMs: number
  maxResponseBytes?: number
  signal?: AbortSignal
}): Promise<SendOutcome> {
  const { config, secret, req, sentAtMs } = opts
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'courtyard-notifier/1',
    'x-courtyard-delivery': opts.deliveryId,
    // the same value is `sentAt` inside the signed body, so a receiver can refuse stale replays
    'x-courtyard-timestamp': String(sentAtMs),
  }
  if (secret) headers['x-courtyard-signature'] = courtyardSignature(secret, req.body)
  // one deadline for the whole attempt, the body included: a receiver trickling bytes cannot hold a
  // channel longer than this
  const deadline = AbortSignal.timeout(opts.timeoutMs)
  const signal = opts.signal ? AbortSignal.any([deadline, opts.signal]) : deadline
  const failed = (err: unknown, during: string): SendOutcome => {
    const e = err as Error & { cause?: { code?: string; message?: string } }
    // the address policy (webhook-guard.ts) refused the connection: trying again cannot help
    if (e.cause?.code === 'EWEBHOOKREFUSED') return { ok: false, retryable: false, error: e.cause.message! }
    const reason = deadline.aborted
      ? `timeout after ${opts.timeoutMs} ms ${during}`
      : (e.cause?.code ?? (e.cause?.message || e.message))
    return { ok: false, retryable: true, error: reason }
  }
  let res: Response
  try {
    res = await opts.fetch(req.url, { method: 'POST', headers, body: req.body, redirect: 'error', signal })
  } catch (err) {
    return failed(err, 'waiting for the answer')
  }
  let read: BodyRead
  try {
    read = await readBounded(res, opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES)
  } catch (err) {
    return failed(err, 'reading the answer')
  }
  if (!res.ok) return { ok: false, retryable: retryableStatus(res.status), error: `HTTP ${res.status}` }
  // no receiver answers that much; sending the same request again would fetch the same flood
  if (!read.ok) return { ok: false, retryable: false, error: read.error }
  const text = read.text
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
  /** the whole attempt; nodemailer's own socket timeout is ten minutes */
  timeoutMs?: number
}): Promise<SendOutcome> {
  let timer: NodeJS.Timeout | undefined
  try {
    const sending = opts.transport.sendMail({
      from: opts.from,
      to: opts.config.to,
      subject: messageTitle(opts.msg),
      text: messageText(opts.msg),
      headers: { 'X-Courtyard-Delivery': opts.msg.id },
    })
    if (opts.timeoutMs !== undefined) {
      const ms = opts.timeoutMs
      // the SMTP exchange may still finish after this; the retry carries the same X-Courtyard-Delivery id
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms`)), ms)
      })
      sending.catch(() => {})
      await Promise.race([sending, expired])
    } else await sending
    return { ok: true }
  } catch (err) {
    const e = err as Error & { responseCode?: number; code?: string }
    return {
      ok: false,
      retryable: transientSmtp(e),
      error: e.responseCode ? `SMTP ${e.responseCode}` : (e.code ?? e.message),
    }
  } finally {
    clearTimeout(timer)
  }
}

export const channelLabel = (c: Pick<Channel, 'id' | 'type'>) => `${c.type}:${c.id}`
