import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import type { CheckedAddress } from '../src/services/webhook-target.ts'

// Connections kept alive per receiver, as fetch keeps them. Node's own client rather than fetch, which
// spent several times the CPU per request here (web streams, a copy of each request; HISTORY.md).
const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) }

export class NoAnswerInTime extends Error {
  override name = 'TimeoutError'
}

/** The worker is stopping: the attempt was given up to be made again by another (`signal`). */
export class HandedBack extends Error {
  override name = 'AbortError'
}

export interface ReceiverAnswer {
  status: number
  retryAfter: string | null
}

/**
 * POSTs once, and answers with the status as soon as it comes (the body is read and dropped). A
 * redirect is an answer, never followed. Fails on a connection error, or with `NoAnswerInTime` when
 * no answer came within `timeoutMs` (or the answer then stalls that long), or with `HandedBack` when
 * `signal` aborts first. Given `pinned`, connects to those addresses, the ones checked, whatever DNS
 * says by now.
 */
export function postOnce(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  pinned?: readonly CheckedAddress[],
  signal?: AbortSignal
): Promise<ReceiverAnswer> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new HandedBack('the worker is stopping'))
      return
    }
    const target = new URL(url)
    const secure = target.protocol === 'https:'
    // Every checked address, so that Node still tries IPv4 when IPv6 does not connect.
    const lookup: LookupFunction | undefined =
      pinned === undefined || pinned.length === 0
        ? undefined
        : (_host, options, callback) =>
            options.all === true
              ? (callback as (err: null, addresses: readonly CheckedAddress[]) => void)(null, pinned)
              : callback(null, pinned[0]!.address, pinned[0]!.family)
    const late = () => req.destroy(new NoAnswerInTime(`no answer within ${timeoutMs} ms`))
    const request = secure ? https.request : http.request
    const req = request(
      target,
      {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
        ...(lookup === undefined ? {} : { lookup })
      },
      (res) => {
        clearTimeout(deadline)
        res.on('error', () => {}) // a body cut off after the status is no concern of the sender's
        res.resume()
        const retryAfter = res.headers['retry-after']
        resolve({ status: res.statusCode ?? 0, retryAfter: retryAfter ?? null })
      }
    )
    const deadline = setTimeout(late, timeoutMs)
    const stopping = () => req.destroy(new HandedBack('the worker is stopping'))
    signal?.addEventListener('abort', stopping, { once: true })
    req.on('close', () => signal?.removeEventListener('abort', stopping))
    req.on('timeout', late)
    req.on('error', (err) => {
      clearTimeout(deadline)
      reject(err)
    })
    req.end(body)
  })
}
