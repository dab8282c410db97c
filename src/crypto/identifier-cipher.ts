import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'

export interface IdentifierKeys {
  /** Encryption keys by id; `currentKeyId` encrypts, every key decrypts (rotation). */
  encryption: Map<string, Buffer>
  currentKeyId: string
  blindIndex: Buffer
}

/**
 * AES-256-GCM for the INSZ, with the referral id as associated data so a ciphertext cannot be
 * moved to another row, and an HMAC-SHA256 blind index to find the same number again.
 */
export class IdentifierCipher {
  constructor(private readonly keys: IdentifierKeys) {}

  encrypt(plaintext: string, recordId: string): string {
    const key = this.keys.encryption.get(this.keys.currentKeyId) as Buffer
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', key, iv)
    cipher.setAAD(Buffer.from(recordId))
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return [
      this.keys.currentKeyId,
      iv.toString('base64url'),
      ct.toString('base64url'),
      cipher.getAuthTag().toString('base64url')
    ].join('.')
  }

  decrypt(envelope: string, recordId: string): string {
    const [keyId, iv, ct, tag] = envelope.split('.') as [string, string, string, string]
    const key = this.keys.encryption.get(keyId)
    if (key === undefined) throw new Error(`identifier key ${keyId} is not configured`)
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
    decipher.setAAD(Buffer.from(recordId))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8')
  }

  /**
   * The same sealing as bytes, for larger texts (stored answers): base64 would make them a third
   * longer, over PostgreSQL's in-row limit (HISTORY.md). Key id length, key id, IV, tag, ciphertext.
   */
  seal(plaintext: string, recordId: string): Buffer {
    const keyId = Buffer.from(this.keys.currentKeyId)
    const key = this.keys.encryption.get(this.keys.currentKeyId) as Buffer
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', key, iv)
    cipher.setAAD(Buffer.from(recordId))
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return Buffer.concat([Buffer.of(keyId.length), keyId, iv, cipher.getAuthTag(), ct])
  }

  open(sealed: Buffer, recordId: string): string {
    const idEnd = 1 + (sealed[0] ?? 0)
    const keyId = sealed.subarray(1, idEnd).toString()
    const key = this.keys.encryption.get(keyId)
    if (key === undefined) throw new Error(`identifier key ${keyId} is not configured`)
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(idEnd, idEnd + 12))
    decipher.setAAD(Buffer.from(recordId))
    decipher.setAuthTag(sealed.subarray(idEnd + 12, idEnd + 28))
    return Buffer.concat([decipher.update(sealed.subarray(idEnd + 28)), decipher.final()]).toString('utf8')
  }

  /**
   * A stable pseudonym for a mother, from what identifies her (her blind index, or name and birth
   * date without an INSZ): the report counts mothers by it, before and after pseudonymisation alike.
   */
  pseudonym(identity: string): string {
    return createHmac('sha256', this.keys.blindIndex).update(`pseudonym:${identity}`).digest('base64url')
  }

  blindIndex(normalized: string): string {
    return createHmac('sha256', this.keys.blindIndex).update(normalized).digest('base64url')
  }
}
