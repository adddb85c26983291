// Request and response schemas of the HTTP API (TypeBox). Payload shapes come from domain/protocol.ts.
import Type, { type Static, type TSchema } from 'typebox'
import { DEVICE_ID_PATTERN, DEVICE_KINDS } from '../domain/protocol.ts'
import { ID_PATTERN, ROLES, SITE_KINDS } from '../registry/index.ts'

export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'stable error code, e.g. NOT_FOUND' }),
    message: Type.String({ description: 'a sentence a person can act on' }),
  },
  { additionalProperties: false },
)
export type ErrorBody = Static<typeof ErrorBody>

/** Error responses every authenticated route can give. */
export const errorResponses = (...statuses: number[]): Record<number, TSchema> =>
  Object.fromEntries([401, ...statuses].map((s) => [s, ErrorBody]))

export const Id = Type.String({ pattern: ID_PATTERN, description: '3–64 characters of [A-Za-z0-9_-]' })
export const DeviceId = Type.String({ pattern: DEVICE_ID_PATTERN, description: 'device id (protocol)' })
export const IdParams = Type.Object({ id: Id })

export const MAX_LIMIT = 1000
export const DEFAULT_LIMIT = 100
export const ListQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, description: 'default 100' })),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'the `next` of the previous page' })),
}
export const listOf = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    next: Type.Optional(Type.String({ description: 'cursor of the next page; absent on the last page' })),
  })

const EpochMs = Type.Integer({ description: 'epoch ms' })
const Name = Type.String({ minLength: 1, maxLength: 200 })

export const Location = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    address: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
)

export const SiteKind = Type.Enum(SITE_KINDS)
export const DeviceKind = Type.Enum(DEVICE_KINDS)
export const Role = Type.Enum(ROLES)

export const Site = Type.Object({
  id: Type.String(),
  tenantId: Type.String(),
  name: Type.String(),
  community: Type.String(),
  communityId: Type.String(),
  kind: SiteKind,
  location: Type.Optional(Location),
  createdAt: EpochMs,
})

export const CreateSite = Type.Object(
  {
    id: Type.Optional(Id),
    tenantId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'required for admin tokens' })),
    name: Name,
    community: Name,
    kind: SiteKind,
    location: Type.Optional(Location),
  },
  { additionalProperties: false },
)

export const UpdateSite = Type.Object(
  { name: Type.Optional(Name), location: Type.Optional(Location) },
  { additionalProperties: false },
)

/** The latest stored telemetry point, with nested fields (`feeder.powerW`) and `ports` rebuilt. */
export const LatestReading = Type.Record(Type.String(), Type.Unknown(), {
  description: 'latest reading as stored: ts, kind and the payload fields',
})

export const Device = Type.Object({
  id: Type.String(),
  kind: DeviceKind,
  siteId: Type.String(),
  tenantId: Type.String(),
  communityId: Type.String(),
  name: Type.Optional(Type.String()),
  reportIntervalS: Type.Integer(),
  createdAt: EpochMs,
  decommissionedAt: Type.Optional(EpochMs),
  online: Type.Boolean({
    description:
      "connected to the node's broker now (without a broker in the API's process: the last status the device, or its Will, reported in the last 30 days)",
  }),
  lastSeen: Type.Optional(Type.Integer({ description: 'epoch ms of the latest telemetry (last 30 days)' })),
  reading: Type.Optional(LatestReading),
})

export const ProvisionedDevice = Type.Intersect([
  Type.Omit(Device, ['online', 'lastSeen', 'reading']),
  Type.Object({ secret: Type.String({ description: 'MQTT password; shown only in this answer' }) }),
])

export const CreateDevice = Type.Object(
  {
    id: DeviceId,
    kind: DeviceKind,
    siteId: Id,
    name: Type.Optional(Name),
    reportIntervalS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400, description: 'default 60' })),
  },
  { additionalProperties: false },
)

export const RotatedSecret = Type.Object({ id: Type.String(), secret: Type.String() })

const Instant = Type.String({
  maxLength: 40,
  description: 'epoch ms or ISO 8601',
  examples: ['1763712000000', '2025-11-21T08:00:00Z'],
})

export const TelemetryQuery = Type.Object({
  field: Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'payload field path, e.g. powerW, feeder.powerW',
  }),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: 'required for per-port fields' })),
  from: Type.Optional(Instant),
  to: Type.Optional(Instant),
  every: Type.Optional(Type.String({ maxLength: 12, description: 'downsample by mean: 30s, 5m, 1h, 1d' })),
})

export const TelemetrySeries = Type.Object({
  deviceId: Type.String(),
  field: Type.String(),
  port: Type.Optional(Type.Integer()),
  every: Type.Optional(Type.String()),
  from: EpochMs,
  to: EpochMs,
  points: Type.Array(Type.Object({ ts: EpochMs, value: Type.Union([Type.Number(), Type.Null()]) })),
})

export const EventsQuery = Type.Object({
  from: Type.Optional(Instant),
  to: Type.Optional(Instant),
  ...ListQuery,
})

// The stored event payload (protocol), newest first; `event` and `kind` are always present.
export const StoredEvent = Type.Object(
  { ts: EpochMs, event: Type.String(), kind: Type.String() },
  { additionalProperties: true, description: 'a device event as the device sent it (protocol v1 Events)' },
)

export const Tenant = Type.Object({ id: Type.String(), name: Type.String(), createdAt: EpochMs })
export const CreateTenant = Type.Object(
  { id: Type.Optional(Id), name: Name },
  { additionalProperties: false },
)

export const CreateToken = Type.Object(
  {
    tenantId: Type.Union([Id, Type.Null()]),
    role: Role,
    name: Name,
    expiresAt: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0 }), Type.String({ maxLength: 64 })], {
        description: 'epoch ms or ISO 8601; from then on the token answers 401 (default: never)',
      }),
    ),
  },
  { additionalProperties: false },
)
export const TokenInfo = Type.Object({
  id: Type.String(),
  tenantId: Type.Union([Type.String(), Type.Null()]),
  role: Role,
  name: Type.String(),
  createdAt: EpochMs,
  expiresAt: Type.Optional(EpochMs),
})
export const CreatedToken = Type.Object({
  ...TokenInfo.properties,
  token: Type.String({ description: 'Bearer token; shown only in this answer' }),
})

const Password = Type.String({ minLength: 1, maxLength: 256, description: '10–256 characters' })
export const UserInfo = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: Role,
  tenantId: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.Union([Type.String(), Type.Null()]),
  createdAt: EpochMs,
})
export const PeopleNames = Type.Object({
  items: Type.Array(
    Type.Object({
      username: Type.String(),
      displayName: Type.String(),
      createdAt: Type.Integer({
        description:
          'epoch ms: an act recorded as `user:<username>` before it was another (removed) account of that name',
      }),
    }),
  ),
})
export const CreateUser = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64, description: 'case-insensitive, unique' }),
    password: Password,
    role: Role,
    tenantId: Type.Optional(
      Type.Union([Id, Type.Null()], {
        description: "default: the caller's tenant; null: every tenant (admin)",
      }),
    ),
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
)
export const SetPassword = Type.Object({ password: Password }, { additionalProperties: false })
export const ChangeOwnPassword = Type.Object(
  { currentPassword: Type.String({ maxLength: 256 }), password: Password },
  { additionalProperties: false },
)
export const SignIn = Type.Object(
  { username: Type.String({ maxLength: 200 }), password: Type.String({ maxLength: 256 }) },
  { additionalProperties: false },
)
export const SessionInfo = Type.Object({
  user: UserInfo,
  expiresAt: Type.Integer({ description: 'epoch ms: the absolute end (it ends sooner when left unused)' }),
})
