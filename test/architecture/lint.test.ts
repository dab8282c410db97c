import t from 'tap'
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ROOT } from '../helpers/processes.ts'

const run = promisify(execFile)

/** Lints `test/fixtures/lint` laid out as the project is (src/services, src/domain), with the project's rules. */
async function lintFixtures(): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'opk-lint-'))
  try {
    cpSync(join(ROOT, 'test/fixtures/lint/src'), join(dir, 'src'), { recursive: true })
    cpSync(join(ROOT, 'biome.jsonc'), join(dir, 'biome.jsonc'))
    const biome = join(ROOT, 'node_modules/.bin/biome')
    const { stdout, stderr } = await run(biome, ['lint', '--vcs-enabled=false', '--max-diagnostics=50', '.'], {
      cwd: dir
    })
    return { code: 0, output: stdout + stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, output: e.stdout + e.stderr }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

t.test('the linter refuses an import that runs up the layers', async (t) => {
  const { code, output } = await lintFixtures()
  t.not(code, 0, 'lint fails')
  t.match(output, /src\/services\/leans-up\.ts:2:\d+ lint\/style\/noRestrictedImports/, 'a service importing fastify')
  t.match(output, /src\/services\/leans-up\.ts:3:\d+ lint\/style\/noRestrictedImports/, 'a service importing a plugin')
  t.match(output, /src\/domain\/does-io\.ts:2:\d+ lint\/style\/noRestrictedImports/, 'the domain doing I/O')
  t.match(
    output,
    /src\/domain\/does-io\.ts:3:\d+ lint\/style\/noRestrictedImports/,
    'the domain importing the database'
  )
})
