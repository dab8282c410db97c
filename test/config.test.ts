import t from 'tap'
import { loadConfig, ConfigError, configTable } from '../src/config.ts'

t.test('defaults work on a machine with local services', async (t) => {
  const c = loadConfig({})
  t.equal(c.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/opkomst')
  t.equal(c.REDIS_URL, 'redis://127.0.0.1:6379')
  t.equal(c.PORT, 3000)
  t.equal(c.HOST, '0.0.0.0')
  t.equal(c.ROLE, 'all')
})

t.test('values are converted and checked; a bad one names the variable', async (t) => {
  t.equal(loadConfig({ PORT: '8080' }).PORT, 8080)
  t.throws(() => loadConfig({ PORT: 'eighty' }), { name: 'ConfigError', message: /^Invalid environment variable PORT/ })
  t.throws(() => loadConfig({ ROLE: 'both' }), ConfigError)
  t.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/)
  t.throws(() => loadConfig({ ADMIN_API_KEY: 'short' }), /ADMIN_API_KEY/)
})

t.test('the README table lists every variable', async (t) => {
  const table = configTable()
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'ROLE', 'IDENTIFIER_KEYS', 'ADMIN_API_KEY'])
    t.match(table, `\`${name}\``)
})

t.test('the README carries the configuration table as the code defines it', async (t) => {
  const { readFile } = await import('node:fs/promises')
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
  t.ok(readme.includes(configTable()), 'regenerate the table from configTable() when a variable changes')
})
