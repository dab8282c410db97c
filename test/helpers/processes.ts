import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { once } from 'node:events'
import type { Teardown } from './context.ts'

export const ROOT = new URL('../../', import.meta.url).pathname

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

export interface Proc {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

/** Runs the service (`src/server.ts`) in its own process; killed by pid at teardown. */
export function startService(t: Teardown, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    // tsx compiles differently from tap's loader; its coverage would garble the merged report.
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      _TAPJS_PROCESSINFO_COVERAGE_: '0',
      ...env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  return { child, output: () => out, exited }
}

export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000
): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** A private redis-server on a free port, for tests that need to break or misconfigure Redis. */
export async function startPrivateRedis(
  t: Teardown,
  args: string[] = [],
  onPort?: number
): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
  const port = onPort ?? (await freePort())
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
    { stdio: 'ignore' }
  )
  const exited = once(child, 'exit')
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  }
  t.teardown(stop)
  const { Redis } = await import('ioredis')
  await waitFor(
    'private redis',
    async () => {
      const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
      r.on('error', () => {})
      try {
        await r.connect()
        await r.ping()
        return true
      } catch {
        return false
      } finally {
        r.disconnect()
      }
    },
    10_000
  )
  return { url: `redis://127.0.0.1:${port}`, port, stop }
}
