import { BlockList, isIP } from 'node:net'

/** Addresses a webhook may never reach: private, loopback, link-local, metadata, and the like. */
const blocked = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4]
] as const)
  blocked.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96]
] as const)
  blocked.addSubnet(net, prefix, 'ipv6')

export function isBlockedAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 0) return true
  if (family === 6 && address.toLowerCase().startsWith('::ffff:')) return isBlockedAddress(address.slice(7))
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6')
}

export type UrlCheck = { ok: true; host: string; allowedHost: boolean } | { ok: false; reason: string }

/** The rules that need no DNS: https, no credentials; plain http only for an allowed host. */
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
  if (!allowedHost && (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')))
    return { ok: false, reason: 'must not point at a local or internal host' }
  if (!allowedHost && isIP(host) !== 0 && isBlockedAddress(host))
    return { ok: false, reason: 'must not point at a private, loopback, link-local or metadata address' }
  return { ok: true, host, allowedHost }
}
