import ipaddr from 'ipaddr.js'

/** Global unicast IPv6 is 2000::/3 (RFC 4291); everything else is special, local or embeds IPv4. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3')

/**
 * Whether a webhook may never reach `address`: anything but global unicast. IPv4-mapped addresses
 * are judged as the IPv4 address they carry; every other form that embeds IPv4 (IPv4-compatible
 * `::a.b.c.d`, 6to4, Teredo, NAT64) is refused outright, as are private, loopback, link-local,
 * carrier-grade NAT, documentation, benchmarking and multicast ranges (ipaddr.js names them).
 */
export function isBlockedAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true
  let parsed = ipaddr.parse(address)
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address()
  if (parsed.range() !== 'unicast') return true
  return parsed.kind() === 'ipv6' && !(parsed as ipaddr.IPv6).match(GLOBAL_UNICAST_V6)
}

export type UrlCheck = { ok: true; host: string; allowedHost: boolean } | { ok: false; reason: string }

/**
 * The rules that need no DNS: https on port 443, no credentials, no local or special address; a host
 * in WEBHOOK_ALLOWED_HOSTS may use plain http and any port.
 */
export function checkWebhookUrl(raw: string, allowedHosts: readonly string[]): UrlCheck {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { ok: false, reason: 'is not a URL' }
  }
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'must not carry credentials' }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const allowedHost = allowedHosts.includes(host)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowedHost))
    return { ok: false, reason: 'must use https' }
  if (!allowedHost && url.port !== '' && url.port !== '443') return { ok: false, reason: 'must use port 443' }
  if (!allowedHost && (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')))
    return { ok: false, reason: 'must not point at a local or internal host' }
  if (!allowedHost && ipaddr.isValid(host) && isBlockedAddress(host))
    return { ok: false, reason: 'must not point at a private, loopback, link-local, special or metadata address' }
  return { ok: true, host, allowedHost }
}
