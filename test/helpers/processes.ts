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
      // Answers of a spawned service are held to the contract too (a mismatch is a 500 there).
      CONTRACT_CHECK: 'on',
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

export interface PrivatePostgres {
  url: string
  port: number
  /** Fast shutdown: clients are told so (57P01) and refused until `start`. */
  stop: () => Promise<void>
  start: () => Promise<void>
  /** SIGSTOP to the server and every backend: connections stay open and nothing answers. */
  freeze: () => void
  thaw: () => void
}

/**
 * A PostgreSQL cluster of the test's own (`initdb` into a temporary folder, a free port), for
 * tests that stop or freeze it; removed at teardown. As root, it runs as the `postgres` user,
 * which initdb requires.
 */
export async function startPrivatePostgres(t: Teardown): Promise<PrivatePostgres> {
  const { execFileSync } = await import('node:child_process')
  const { mkdtempSync, chownSync, readFileSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const bin = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim()
  const asRoot = process.getuid?.() === 0
  const owner = asRoot
    ? {
        uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
        gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }))
      }
    : {}
  const dir = mkdtempSync(join(tmpdir(), 'opk-pg-'))
  if (asRoot) chownSync(dir, owner.uid as number, owner.gid as number)
  const data = join(dir, 'data')
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
    ...owner,
    stdio: 'ignore'
  })
  const port = await freePort()
  let server: ChildProcess | null = null
  const start = async () => {
    server = spawn(
      join(bin, 'postgres'),
      ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
      { ...owner, stdio: 'ignore' }
    )
    await waitFor(
      'private postgres',
      () => {
        try {
          execFileSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' })
          return true
        } catch {
          return false
        }
      },
      15_000
    )
  }
  const signalAll = (signal: NodeJS.Signals) => {
    const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0])
    const children = execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
    for (const pid of [postmaster, ...children]) process.kill(pid, signal)
  }
  const stop = async () => {
    const running = server
    if (running === null || running.exitCode !== null || running.signalCode !== null) return
    const exited = once(running, 'exit')
    running.kill('SIGINT')
    await exited
  }
  await start()
  t.teardown(async () => {
    const running = server as ChildProcess | null
    if (running !== null && running.exitCode === null && running.signalCode === null) {
      try {
        signalAll('SIGCONT')
      } catch {}
      const exited = once(running, 'exit')
      running.kill('SIGKILL')
      await exited
    }
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    url: `postgres://postgres@127.0.0.1:${port}`,
    port,
    stop,
    start,
    freeze: () => signalAll('SIGSTOP'),
    thaw: () => signalAll('SIGCONT')
  }
}
