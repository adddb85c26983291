/** InfluxQL identifier quoting: `"name"` with `"` and `\` escaped. For names from config or code only. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/["\\]/g, '\\$&')}"`
}
