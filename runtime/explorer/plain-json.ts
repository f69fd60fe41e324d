/**
 * Values from the node (payloads, results, errors, progress) as plain JSON for the page, which only shows
 * them: bigint as `"123n"`, Date as its ISO text, Map as an object of its entries, Set as an array, byte
 * arrays as `"<N bytes>"`, errors as their name, code and message, undefined left out.
 */
export function toPlainJson(value: unknown): string {
  return JSON.stringify(plain(value, 0)) ?? 'null'
}

function plain(value: unknown, depth: number): unknown {
  if (depth > 64) return '…'
  if (typeof value === 'bigint') return `${value}n`
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`
  if (value instanceof Error) {
    const { code } = value as { code?: unknown }
    return { name: value.name, ...(typeof code === 'string' ? { code } : {}), message: value.message }
  }
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), plain(v, depth + 1)]))
  if (value instanceof Set) return [...value].map((v) => plain(v, depth + 1))
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1))
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, depth + 1)]))
}
