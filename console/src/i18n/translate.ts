// A dictionary as a function of a key and its variables. Pure (no browser), so the wording functions
// built on it are tested without one. A key the dictionary lacks (a code the server sends that this
// console does not know yet, asked for as `alertType.${type}`) is never a blank nor a crash: the key's
// last part, made readable.
import type { Dict, MessageKey } from './zh-CN.ts'

export const LANGS = ['zh-CN', 'en'] as const
export type Lang = (typeof LANGS)[number]

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string

/** `alertType.new_kind` → `new kind`: the code, readable, for a key nobody wrote words for yet. */
export const readableCode = (code: string): string =>
  code.slice(code.lastIndexOf('.') + 1).replace(/_/g, ' ') || code

export function makeTranslate(dict: Dict): Translate {
  return (key, vars) => {
    const s: string | undefined = dict[key]
    if (s === undefined) return readableCode(String(key))
    return vars ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : s
  }
}
