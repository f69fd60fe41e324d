/**
 * A plain-text table for the CLI's listings (`colloquy flow list|messages`, `colloquy hospital`): columns
 * padded to their widest cell, two spaces apart, each line's control characters escaped (a payload or an
 * error message from a peer cannot move the terminal's cursor).
 */
import { escapeLogText } from '../codec/log-text.js'

export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  return [header, ...rows]
    .map((r) =>
      escapeLogText(
        r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      ),
    )
    .join('\n')
}
