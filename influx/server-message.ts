/** The useful part of an InfluxDB error body: its JSON `error`, else the start of the raw text. */
export function serverMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown }
    if (typeof parsed.error === 'string') return parsed.error
  } catch {
    // not JSON (a proxy's HTML page, say): fall through to the raw text
  }
  return body.slice(0, 500)
}
