// Free text a device sends (`detail`, `room`, `door`, `circuit`) ends up in alert messages that crews read
// in chats, mails and the console. Stored as one line: control characters and line breaks become a
// space, invisible ones (zero-width, bidirectional overrides) go, and the text is capped, so a device
// cannot make its message look like several alerts or like one of ours ("\n✅ CLEARED"). Alert rules store
// it so; notify/format.ts builds each format's escaping (markdown, links) on top of it.

// zero-width, bidirectional and other invisible format characters, and the Unicode tag block
const INVISIBLE =
  /\u034F|[\u00AD\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF\u{E0000}-\u{E007F}]/gu
// C0 (with \r \n \t), DEL, C1 and the Unicode line and paragraph separators
const BREAKS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g

/** Device text as one clean line of at most `maxChars` characters (… when cut); '' when nothing is left. */
export function deviceText(text: string, maxChars: number): string {
  const line = text.replace(INVISIBLE, '').replace(BREAKS, ' ').replace(/ {2,}/g, ' ').trim()
  return capChars(line, maxChars)
}

/** Cut to `maxChars` code points, with … when cut (never inside a surrogate pair). */
export function capChars(text: string, maxChars: number): string {
  const chars = [...text]
  return chars.length <= maxChars ? text : `${chars.slice(0, Math.max(0, maxChars - 1)).join('')}…`
}

/** `detail` is up to 512 characters by protocol; a message keeps the first 200 of it. */
export const DETAIL_MAX = 200
/** `room`, `door`, `circuit`: 64 by protocol. */
export const NAME_MAX = 64
