// Which commands a device takes (protocol: Commands table), checked before anything is audited or sent.
import { Compile } from 'typebox/compile'
import { CourtyardError } from '../domain/errors.ts'
import {
  COMMAND_ARGS,
  COMMAND_NAMES,
  COMMANDS_BY_KIND,
  type CommandName,
  type DeviceKind,
} from '../domain/protocol.ts'

const ARG_VALIDATORS = Object.fromEntries(COMMAND_NAMES.map((n) => [n, Compile(COMMAND_ARGS[n])])) as Record<
  CommandName,
  ReturnType<typeof Compile>
>

/** The command as it will be sent, or a BAD_REQUEST naming what is wrong. */
export function validateCommand(
  kind: DeviceKind,
  name: string,
  args: unknown,
): { name: CommandName; args: Record<string, unknown> } {
  const allowed = COMMANDS_BY_KIND[kind]
  if (!(allowed as readonly string[]).includes(name))
    throw new CourtyardError(
      'BAD_REQUEST',
      `a ${kind} does not take the command ${JSON.stringify(name.slice(0, 64))}; it takes ${allowed.join(', ')}`,
    )
  const n = name as CommandName
  const a = args ?? {}
  const v = ARG_VALIDATORS[n]
  if (!v.Check(a)) {
    // an unknown property reports twice ("schema is false" at the property first): prefer the clear one
    const errors = v.Errors(a)
    const e = errors.find((x) => x.keyword === 'additionalProperties') ?? errors[0]
    const params = (e?.params ?? {}) as { requiredProperties?: string[]; additionalProperties?: string[] }
    const where = `args${e?.instancePath ?? ''}`
    const why = params.requiredProperties
      ? `is missing ${params.requiredProperties.join(', ')}`
      : params.additionalProperties
        ? `has unknown property ${params.additionalProperties.join(', ')}`
        : (e?.message ?? 'is invalid')
    throw new CourtyardError('BAD_REQUEST', `${where} of ${n} ${why}`)
  }
  return { name: n, args: a as Record<string, unknown> }
}
