import t from 'tap'
import { checkWebhookUrl, isBlockedAddress } from '../../src/domain/webhook-url.ts'

/** Every address form a security review found accepted, and the ranges around them. */
const REFUSED = [
  ['::7f00:1', 'IPv4-compatible 127.0.0.1'],
  ['::a9fe:a9fe', 'IPv4-compatible 169.254.169.254 (metadata)'],
  ['2002:7f00:1::', '6to4 of 127.0.0.1'],
  ['64:ff9b:1::a9fe:a9fe', 'local-use NAT64 of 169.254.169.254'],
  ['64:ff9b::a9fe:a9fe', 'well-known NAT64 of 169.254.169.254'],
  ['100::1', 'discard-only'],
  ['2001::1', 'Teredo'],
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
  ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata, in hex'],
  ['2001:db8::1', 'documentation'],
  ['fe80::1', 'link-local'],
  ['fd00::1', 'unique local'],
  ['ff02::1', 'multicast'],
  ['::1', 'loopback'],
  ['::', 'unspecified'],
  ['127.0.0.1', 'loopback'],
  ['10.1.2.3', 'private'],
  ['172.20.0.1', 'private'],
  ['192.168.0.1', 'private'],
  ['169.254.169.254', 'metadata'],
  ['100.64.0.1', 'carrier-grade NAT'],
  ['0.0.0.0', 'unspecified'],
  ['255.255.255.255', 'broadcast'],
  ['224.0.0.1', 'multicast'],
  ['198.18.0.1', 'benchmarking'],
  ['not-an-ip', 'not an address']
] as const

t.test('only global unicast addresses may be reached', async (t) => {
  for (const [address, what] of REFUSED) t.ok(isBlockedAddress(address), `${address}: ${what}`)
  for (const address of ['8.8.8.8', '193.191.245.1', '2a00:1450:4001::1', '2606:4700::1111', '::ffff:8.8.8.8'])
    t.notOk(isBlockedAddress(address), address)
})

t.test('webhook URLs: https on 443, no special address in any form, unless the host is allowed', async (t) => {
  for (const [address, what] of REFUSED.filter(([a]) => a !== 'not-an-ip')) {
    const host = address.includes(':') ? `[${address}]` : address
    t.match(checkWebhookUrl(`https://${host}/hook`, []), { ok: false }, `https://${host}: ${what}`)
  }
  for (const port of ['22', '6379', '8443', '80']) {
    t.match(
      checkWebhookUrl(`https://ocmw.example.be:${port}/hooks`, []),
      { ok: false, reason: /port 443/ },
      `port ${port}`
    )
  }
  t.match(checkWebhookUrl('https://ocmw.example.be:443/hooks', []), { ok: true })
  t.match(checkWebhookUrl('https://ocmw.example.be/hooks', []), { ok: true, allowedHost: false })
  t.match(
    checkWebhookUrl('http://127.0.0.1:8080/x', ['127.0.0.1']),
    { ok: true, allowedHost: true },
    'an allowed host may use http and any port'
  )
  t.match(checkWebhookUrl('http://ocmw.example.be/hooks', []), { ok: false, reason: /https/ })
  t.match(checkWebhookUrl('https://user:pw@ocmw.example.be/hooks', []), { ok: false, reason: /credentials/ })
  t.match(checkWebhookUrl('https://metadata.google.internal/', []), { ok: false })
  t.match(checkWebhookUrl('nonsense', []), { ok: false })
})
