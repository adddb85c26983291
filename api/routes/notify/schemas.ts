// Request and response schemas of the notification routes (TypeBox).
import Type from 'typebox'
import { ALERT_TYPES, SEVERITIES } from '../../../domain/alerts.ts'
import { CHANNEL_TYPES, DELIVERY_STATES, NOTIFY_REASONS, WEBHOOK_FORMATS } from '../../../notify/index.ts'
import { ID_PATTERN } from '../../../registry/index.ts'

const Name = Type.String({ minLength: 1, maxLength: 200 })
const EpochMs = Type.Integer({ description: 'epoch ms' })
const TenantId = Type.String({
  pattern: ID_PATTERN,
  description: 'admin tokens name the tenant (default: `default`)',
})
const RefId = Type.String({ minLength: 1, maxLength: 64 })
const Url = Type.String({
  pattern: '^https?://[^\\s]+$',
  maxLength: 2000,
  description: 'http(s) URL of the receiver',
})
const Email = Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$', maxLength: 320 })
const Secret = Type.String({ minLength: 8, maxLength: 256 })
const Severity = Type.Enum(SEVERITIES)
const Minutes = Type.Integer({ minimum: 1, maximum: 10080 })

const channelFields = {
  name: Name,
  url: Type.Optional(Url),
  format: Type.Optional(
    Type.Enum(WEBHOOK_FORMATS, { description: 'webhook body: json (default), wecom, dingtalk, feishu' }),
  ),
  secret: Type.Optional(Secret),
  to: Type.Optional(Type.Array(Email, { minItems: 1, maxItems: 50 })),
}

export const CreateChannel = Type.Object(
  {
    tenantId: Type.Optional(TenantId),
    type: Type.Enum(CHANNEL_TYPES),
    ...channelFields,
    secret: Type.Optional(
      Type.String({
        minLength: 8,
        maxLength: 256,
        description:
          'signs webhook bodies (and the DingTalk/Feishu `sign`); generated for json webhooks when absent',
      }),
    ),
  },
  { additionalProperties: false },
)

export const UpdateChannel = Type.Object(
  {
    ...channelFields,
    name: Type.Optional(Name),
    rotateSecret: Type.Optional(Type.Boolean({ description: 'generate a new secret, answered once' })),
    removeSecret: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

export const ChannelView = Type.Object({
  id: Type.String(),
  tenantId: Type.String(),
  name: Type.String(),
  type: Type.Enum(CHANNEL_TYPES),
  url: Type.Optional(Type.String({ description: 'query values (robot keys, tokens) are masked' })),
  format: Type.Optional(Type.Enum(WEBHOOK_FORMATS)),
  to: Type.Optional(Type.Array(Type.String())),
  hasSecret: Type.Boolean(),
  createdAt: EpochMs,
  updatedAt: EpochMs,
})

export const ChannelWithSecret = Type.Object({
  ...ChannelView.properties,
  secret: Type.Optional(
    Type.String({ description: 'shown once: store it in the receiver to verify signatures' }),
  ),
})

const RepeatMin = Type.Optional(Type.Union([Minutes, Type.Null()]))
const RepeatEveryMin = Type.Object(
  { critical: RepeatMin, major: RepeatMin, minor: RepeatMin, warning: RepeatMin },
  {
    additionalProperties: false,
    description:
      'minutes between repeats while unacknowledged, per severity (null: never); default critical 5, major 30',
  },
)

const routeFields = {
  name: Name,
  siteIds: Type.Optional(
    Type.Array(RefId, { maxItems: 500, description: 'all sites of the tenant when absent' }),
  ),
  minSeverity: Type.Optional(Severity),
  types: Type.Optional(Type.Array(Type.Enum(ALERT_TYPES), { description: 'all types when absent' })),
  channelIds: Type.Array(RefId, { minItems: 1, maxItems: 20 }),
  escalateAfterMin: Type.Optional(Minutes),
  escalateTo: Type.Optional(
    Type.Array(RefId, { maxItems: 20, description: 'channels told after escalateAfterMin without an ack' }),
  ),
  repeatEveryMin: Type.Optional(RepeatEveryMin),
  notifyOnClear: Type.Optional(Type.Boolean({ description: 'default true' })),
  enabled: Type.Optional(Type.Boolean({ description: 'default true' })),
}

export const CreateRoute = Type.Object(
  { tenantId: Type.Optional(TenantId), ...routeFields },
  { additionalProperties: false },
)
export const UpdateRoute = Type.Object(
  {
    ...routeFields,
    name: Type.Optional(Name),
    channelIds: Type.Optional(routeFields.channelIds),
    // null removes the field: all sites, all types, no escalation
    siteIds: Type.Optional(Type.Union([Type.Array(RefId, { maxItems: 500 }), Type.Null()])),
    types: Type.Optional(Type.Union([Type.Array(Type.Enum(ALERT_TYPES)), Type.Null()])),
    escalateAfterMin: Type.Optional(Type.Union([Minutes, Type.Null()])),
    escalateTo: Type.Optional(Type.Union([Type.Array(RefId, { maxItems: 20 }), Type.Null()])),
  },
  { additionalProperties: false },
)

export const RouteView = Type.Object({
  id: Type.String(),
  tenantId: Type.String(),
  name: Type.String(),
  siteIds: Type.Optional(Type.Array(Type.String())),
  minSeverity: Severity,
  types: Type.Optional(Type.Array(Type.String())),
  channelIds: Type.Array(Type.String()),
  escalateAfterMin: Type.Optional(Type.Integer()),
  escalateTo: Type.Optional(Type.Array(Type.String())),
  repeatEveryMin: Type.Record(Type.String(), Type.Union([Type.Integer(), Type.Null()])),
  notifyOnClear: Type.Boolean(),
  enabled: Type.Boolean(),
  createdAt: EpochMs,
  updatedAt: EpochMs,
})

const Matchers = Type.Object(
  {
    siteId: Type.Optional(RefId),
    deviceId: Type.Optional(RefId),
    type: Type.Optional(Type.Enum(ALERT_TYPES)),
    severity: Type.Optional(Severity),
  },
  { additionalProperties: false, minProperties: 1, description: 'every given field must match' },
)

export const CreateSilence = Type.Object(
  {
    tenantId: Type.Optional(TenantId),
    matchers: Matchers,
    from: Type.Optional(Type.Integer({ description: 'epoch ms; default now' })),
    to: EpochMs,
    comment: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { additionalProperties: false },
)

export const SilenceView = Type.Object({
  id: Type.String(),
  tenantId: Type.String(),
  matchers: Matchers,
  from: EpochMs,
  to: EpochMs,
  comment: Type.String(),
  createdBy: Type.String({ description: '`user:<username>` or `token:<token name>`' }),
  createdAt: EpochMs,
  active: Type.Boolean(),
})

export const SilenceQuery = Type.Object({
  active: Type.Optional(Type.Boolean({ description: 'only silences in force now' })),
})

export const AlertNotification = Type.Object({
  kind: Type.Enum(['sent', 'suppressed'] as const),
  reason: Type.Enum(NOTIFY_REASONS),
  at: EpochMs,
  channelId: Type.Optional(Type.String()),
  channelType: Type.Optional(Type.Enum(CHANNEL_TYPES)),
  state: Type.Optional(
    Type.Enum(DELIVERY_STATES, {
      description:
        'of this alert on the message: `dropped` when the alert was taken off it before it went (acknowledged or silenced by the time it was due, or a clear for a channel that never paged about the alert; see `cause`), the message going with any other alerts it carried',
    }),
  ),
  attempts: Type.Optional(Type.Integer()),
  deliveredAt: Type.Optional(EpochMs),
  droppedAt: Type.Optional(EpochMs),
  lastError: Type.Optional(Type.String()),
  deliveryId: Type.Optional(Type.String()),
  routeId: Type.Optional(Type.String()),
  cause: Type.Optional(
    Type.Enum(['silence', 'maintenance', 'acknowledged', 'never_paged'] as const, {
      description:
        'why it was not sent: suppressed by a silence or a maintenance window when planned, or dropped from a waiting message because the alert was acknowledged or silenced, or (`never_paged`, a clear) because no page about the alert reached that channel: its crew was never told it was raised',
    }),
  ),
  acknowledgedBy: Type.Optional(
    Type.String({
      description: 'dropped because acknowledged: by whom (`user:<username>` or `token:<name>`)',
    }),
  ),
  silenceId: Type.Optional(Type.String()),
})
