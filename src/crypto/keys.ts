import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import type { Config } from '../config.ts'
import { ConfigError } from '../config.ts'
import type { IdentifierKeys } from './identifier-cipher.ts'

export function parseIdentifierKeys(identifierKeys: string, blindIndexKey: string): IdentifierKeys {
  const encryption = new Map<string, Buffer>()
  for (const entry of identifierKeys.split(',')) {
    const [id, b64] = entry.split(':') as [string, string]
    const key = Buffer.from(b64, 'base64')
    if (key.length !== 32)
      throw new ConfigError(`Invalid environment variable IDENTIFIER_KEYS: key ${id} must be 32 bytes`)
    encryption.set(id, key)
  }
  const blindIndex = Buffer.from(blindIndexKey, 'base64')
  if (blindIndex.length !== 32) throw new ConfigError('Invalid environment variable BLIND_INDEX_KEY: must be 32 bytes')
  return { encryption, currentKeyId: identifierKeys.split(':')[0] as string, blindIndex }
}

/**
 * Keys from the environment. Outside production, a missing pair is generated once into
 * DEV_KEYS_FILE (git-ignored) so `npm start` works on a fresh clone; production refuses to boot.
 */
export function loadIdentifierKeys(config: Config, warn: (msg: string) => void): IdentifierKeys {
  if (config.IDENTIFIER_KEYS !== undefined && config.BLIND_INDEX_KEY !== undefined) {
    return parseIdentifierKeys(config.IDENTIFIER_KEYS, config.BLIND_INDEX_KEY)
  }
  if (config.NODE_ENV === 'production') {
    throw new ConfigError('Missing environment variable IDENTIFIER_KEYS or BLIND_INDEX_KEY: required in production')
  }
  let stored: { IDENTIFIER_KEYS: string; BLIND_INDEX_KEY: string }
  try {
    stored = JSON.parse(readFileSync(config.DEV_KEYS_FILE, 'utf8'))
  } catch {
    stored = {
      IDENTIFIER_KEYS: `dev1:${randomBytes(32).toString('base64')}`,
      BLIND_INDEX_KEY: randomBytes(32).toString('base64')
    }
    writeFileSync(config.DEV_KEYS_FILE, JSON.stringify(stored, null, 2), { mode: 0o600 })
    warn(
      `Generated development encryption keys in ${config.DEV_KEYS_FILE}; set IDENTIFIER_KEYS and BLIND_INDEX_KEY outside development`
    )
  }
  return parseIdentifierKeys(stored.IDENTIFIER_KEYS, stored.BLIND_INDEX_KEY)
}
