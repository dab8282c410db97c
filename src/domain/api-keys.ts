import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** Recognisable in logs and secret scanners; 32 random bytes after it. */
export const API_KEY_PREFIX = 'opk_'

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url')
}

/** Keys are high-entropy, so one SHA-256 is enough; a slow hash would only slow every request. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

export function displayPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6)
}

export function sameKey(a: string, b: string): boolean {
  const ha = Buffer.from(hashApiKey(a), 'hex')
  const hb = Buffer.from(hashApiKey(b), 'hex')
  return timingSafeEqual(ha, hb)
}
