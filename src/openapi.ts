import { readFile, writeFile } from 'node:fs/promises'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.ts'
import { loadConfig } from './config.ts'
import { CONTRACT_PATH } from './contract/conformance.ts'

/** The contract as the routes describe it, in a stable text form. */
export async function generateContract(extend?: (app: FastifyInstance) => void): Promise<string> {
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }))
  try {
    extend?.(app)
    await app.ready()
    return `${JSON.stringify(app.swagger(), null, 2)}\n`
  } finally {
    await app.close()
  }
}

/** `write` regenerates openapi/openapi.json; `check` fails when it differs from the code. */
export async function runContract(mode: 'write' | 'check'): Promise<number> {
  const generated = await generateContract()
  if (mode === 'write') {
    await writeFile(CONTRACT_PATH, generated)
    return 0
  }
  if (await checkContract(generated)) return 0
  console.error('openapi/openapi.json differs from the routes: run `npm run openapi` and commit the result')
  return 1
}

export async function checkContract(generated: string): Promise<boolean> {
  return (await readFile(CONTRACT_PATH, 'utf8').catch(() => '')) === generated
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runContract(process.argv[2] === 'check' ? 'check' : 'write')
}
