import { lookup } from 'node:dns/promises'
import { checkWebhookUrl, isBlockedAddress } from '../domain/webhook-url.ts'

/** Where to connect: the addresses that were checked, so that DNS cannot answer otherwise in between. */
export interface CheckedAddress {
  address: string
  family: number
}
export type TargetCheck = { ok: true; addresses?: CheckedAddress[] } | { ok: false; reason: string }

/**
 * The URL rules plus what DNS says now: a name resolving to a private, loopback, link-local or
 * metadata address is refused unless its host is in WEBHOOK_ALLOWED_HOSTS. Checked when an
 * endpoint is saved and again before each delivery (DNS may have changed).
 */
export async function checkTarget(url: string, allowedHosts: readonly string[]): Promise<TargetCheck> {
  const check = checkWebhookUrl(url, allowedHosts)
  if (!check.ok) return check
  if (check.allowedHost) return { ok: true }
  let addresses: CheckedAddress[]
  try {
    addresses = await lookup(check.host, { all: true, verbatim: true })
  } catch {
    return { ok: false, reason: 'host does not resolve' }
  }
  if (addresses.length === 0 || addresses.some((a) => isBlockedAddress(a.address))) {
    return { ok: false, reason: 'must not point at a private, loopback, link-local, special or metadata address' }
  }
  return { ok: true, addresses }
}

export function allowedHosts(configured: string): string[] {
  return configured
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean)
}
