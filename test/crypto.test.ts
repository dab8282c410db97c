import t from 'tap'
import { randomBytes } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../src/config.ts'
import { loadIdentifierKeys, parseIdentifierKeys } from '../src/crypto/keys.ts'
import { IdentifierCipher } from '../src/crypto/identifier-cipher.ts'

const key = () => randomBytes(32).toString('base64')

t.test('production refuses to start without keys', async (t) => {
  t.throws(() => loadIdentifierKeys(loadConfig({ NODE_ENV: 'production' }), () => {}), {
    name: 'ConfigError',
    message: /IDENTIFIER_KEYS or BLIND_INDEX_KEY/
  })
})

t.test('outside production, keys are generated once into the dev file, with a warning', async (t) => {
  const dir = t.testdir()
  const file = join(dir, 'keys.json')
  const warnings: string[] = []
  const first = loadIdentifierKeys(loadConfig({ DEV_KEYS_FILE: file }), (m) => warnings.push(m))
  t.equal(warnings.length, 1)
  t.match(warnings[0], /Generated development encryption keys/)
  t.equal(statSync(file).mode & 0o777, 0o600, 'readable by the owner only')
  const again = loadIdentifierKeys(loadConfig({ DEV_KEYS_FILE: file }), (m) => warnings.push(m))
  t.equal(warnings.length, 1, 'the second start reuses them silently')
  t.same(again.blindIndex, first.blindIndex)
  t.ok(JSON.parse(readFileSync(file, 'utf8')).IDENTIFIER_KEYS.startsWith('dev1:'))
})

t.test('rotation: the first key encrypts, older keys still decrypt', async (t) => {
  const blind = key()
  const oldKey = key()
  const old = new IdentifierCipher(parseIdentifierKeys(`k1:${oldKey}`, blind))
  const sealedByOld = old.encrypt('85073003328', 'r1')
  const rotated = new IdentifierCipher(parseIdentifierKeys(`k2:${key()},k1:${oldKey}`, blind))
  t.equal(rotated.decrypt(sealedByOld, 'r1'), '85073003328', 'old ciphertexts still open')
  t.match(rotated.encrypt('85073003328', 'r1'), /^k2\./, 'new ones use the new key')
  t.equal(rotated.blindIndex('85073003328'), old.blindIndex('85073003328'), 'the blind index is stable across rotation')
  t.throws(() => rotated.decrypt(sealedByOld.replace(/^k1/, 'k9'), 'r1'), /k9 is not configured/)
  t.throws(() => parseIdentifierKeys(`k1:${randomBytes(16).toString('base64')}`, blind), /32 bytes/)
  t.throws(() => parseIdentifierKeys(`k1:${key()}`, randomBytes(16).toString('base64')), /BLIND_INDEX_KEY/)
})

t.test(
  'sealed bytes: bound to their record, opened with any configured key, 31 bytes over the text with a two-letter key id',
  async (t) => {
    const blind = key()
    const oldKey = key()
    const old = new IdentifierCipher(parseIdentifierKeys(`k1:${oldKey}`, blind))
    const answer = JSON.stringify({ insz: '85073003328', reason: 'vrije tekst' })
    const sealed = old.seal(answer, 'client\nkey-1')
    t.equal(sealed.length, Buffer.byteLength(answer) + 1 + 2 + 12 + 16)
    t.notOk(sealed.includes('85073003328'), 'not in clear')
    const rotated = new IdentifierCipher(parseIdentifierKeys(`k2:${key()},k1:${oldKey}`, blind))
    t.equal(rotated.open(sealed, 'client\nkey-1'), answer)
    t.throws(() => rotated.open(sealed, 'client\nkey-2'), 'another key row cannot open it')
    const tampered = Buffer.from(sealed)
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1
    t.throws(() => rotated.open(tampered, 'client\nkey-1'), 'tampering is detected')
    t.throws(() => old.open(rotated.seal(answer, 'r'), 'r'), /k2 is not configured/)
  }
)
