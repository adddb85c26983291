// What a connection keeps for as long as it lives (its Will; the retained status it published) must not
// pin the socket read it was parsed from: mqtt-packet hands out payloads as slices of that read's buffer,
// so each kept slice held a separate native allocation, its ArrayBuffer and a Buffer per device. The
// protocol's status values (protocol.md: `online` / `offline`) are one shared copy for every device;
// anything else becomes a copy of its own (small copies come from Node's shared pool).

const SHARED = ['online', 'offline'].map((s) => Buffer.from(s))

/** The same bytes, not a view of the packet's read buffer; never written to (they are shared). */
export function keptPayload(payload: Buffer | string): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload
  for (const s of SHARED) if (s.equals(bytes)) return s
  return bytes === payload ? Buffer.from(bytes) : bytes
}
