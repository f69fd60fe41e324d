/**
 * The source a connection's handshake slots are counted against (handshake-slots.ts): an IPv4 address
 * as it is, an IPv4-mapped IPv6 address as its IPv4 address, and any other IPv6 address as its /64
 * prefix, since one host commonly holds a whole /64 and could otherwise take a new address per socket.
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown'
  if (!ip.includes(':')) return ip
  const bare = ip.split('%')[0]!.toLowerCase()
  if (bare.startsWith('::ffff:') && bare.includes('.')) return bare.slice(7)
  const [head = '', tail] = bare.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`
}
