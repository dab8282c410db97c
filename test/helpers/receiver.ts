import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import { once } from 'node:events'
import type { Teardown } from './context.ts'

export interface Received {
  headers: IncomingHttpHeaders
  body: string
  at: number
}

/**
 * A real HTTP webhook receiver on 127.0.0.1. `answer` decides each reply: a status, or 'hang'
 * to never answer (the sender times out).
 */
export async function startReceiver(
  t: Teardown,
  answer: (n: number, body: string) => number | 'hang' | { status: number; headers: Record<string, string> } = () => 200
) {
  const received: Received[] = []
  const hanging: ServerResponse[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c.toString()
    })
    req.on('end', () => {
      received.push({ headers: req.headers, body, at: Date.now() })
      const reply = answer(received.length, body)
      if (reply === 'hang') {
        hanging.push(res)
        return
      }
      const { status, headers } = typeof reply === 'number' ? { status: reply, headers: {} } : reply
      res.writeHead(status, headers).end()
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  t.teardown(async () => {
    for (const res of hanging) res.destroy()
    server.closeAllConnections()
    server.close()
  })
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    setAnswer: (f: typeof answer) => {
      answer = f
    }
  }
}

export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
