// What the notification route plugins share: the stores and tenant/ownership checks.
import { randomBytes } from 'node:crypto'
import { CourtyardError } from '../../../domain/errors.ts'
import type { NotifyConfigStore } from '../../../notify/config-store.ts'
import type { Channel } from '../../../notify/types.ts'
import { ALLOW_NETS_ENV, type WebhookGuard } from '../../../notify/webhook-guard.ts'
import type { Principal } from '../../auth.ts'
import type { RouteContext } from '../../context.ts'

const DEFAULT_TENANT_ID = 'default'
export const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`

/** Query values of a webhook URL are credentials (WeCom `key`, DingTalk `access_token`): never shown. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url)
    for (const k of [...u.searchParams.keys()]) u.searchParams.set(k, '***')
    if (u.password) u.password = '***'
    return u.toString().replace(/%2A%2A%2A/g, '***')
  } catch {
    return '***'
  }
}

export const channelView = (c: Channel) => ({
  id: c.id,
  tenantId: c.tenantId,
  name: c.name,
  type: c.type,
  ...(c.type === 'webhook' ? { url: maskUrl(c.config.url), format: c.config.format } : { to: c.config.to }),
  hasSecret: c.secret !== undefined,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
})

export function createRouteHelpers(ctx: RouteContext, config: NotifyConfigStore, guard: WebhookGuard) {
  const { registry } = ctx

  /** The tenant a write goes to: the token's own, or for admins the one named (default `default`). */
  const tenantFor = (p: Principal, asked: string | undefined): string => {
    if (p.tenantId !== null) {
      if (asked !== undefined && asked !== p.tenantId)
        throw new CourtyardError('NOT_FOUND', `tenant ${asked} does not exist`)
      return p.tenantId
    }
    const t = asked ?? DEFAULT_TENANT_ID
    if (!registry.getTenant(t)) throw new CourtyardError('NOT_FOUND', `tenant ${t} does not exist`)
    return t
  }
  const found = <T>(x: T | undefined, what: string, id: string): T => {
    if (!x) throw new CourtyardError('NOT_FOUND', `${what} ${id} does not exist`)
    return x
  }
  const checkSites = (tenantId: string, ids: readonly string[] = []) => {
    for (const id of ids)
      if (!registry.getSite(id, { tenantId }))
        throw new CourtyardError('BAD_REQUEST', `site ${id} does not exist in tenant ${tenantId}`)
  }
  const checkChannels = (tenantId: string, ids: readonly string[] = []) => {
    for (const id of ids)
      if (!config.getChannel(id, tenantId))
        throw new CourtyardError(
          'BAD_REQUEST',
          `notification channel ${id} does not exist in tenant ${tenantId}`,
        )
  }
  const checkChannel = (c: { type: string; url?: string; to?: string[]; format?: string }) => {
    if (c.type === 'webhook' && !c.url)
      throw new CourtyardError('BAD_REQUEST', 'a webhook channel needs a url')
    if (c.type === 'email' && !c.to)
      throw new CourtyardError('BAD_REQUEST', 'an email channel needs `to` addresses')
    if (c.type === 'email' && (c.url || c.format))
      throw new CourtyardError('BAD_REQUEST', 'an email channel takes `to`, not `url` or `format`')
    if (c.type === 'webhook' && c.to)
      throw new CourtyardError('BAD_REQUEST', 'a webhook channel takes `url`, not `to`')
    // IP-literal hosts only: a host name is checked on the address it resolves to when sending
    const refused = c.type === 'webhook' && c.url ? guard.urlRefusal(c.url) : undefined
    if (refused)
      throw new CourtyardError(
        'BAD_REQUEST',
        `webhook URL host ${refused}: the notifier only calls public addresses unless ${ALLOW_NETS_ENV} allows it`,
      )
  }
  return { tenantFor, found, checkSites, checkChannels, checkChannel }
}

export type RouteHelpers = ReturnType<typeof createRouteHelpers>

export interface NotifyRouteDeps {
  ctx: RouteContext
  config: NotifyConfigStore
  helpers: RouteHelpers
}

export const tags = ['notifications']
