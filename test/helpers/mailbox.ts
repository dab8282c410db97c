import { once } from 'node:events'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import type { Teardown } from './context.ts'
import { freePort } from './processes.ts'

export interface Mail {
  to: string
  subject: string
  text: string
  /** The HTML part, as a mail client would show it; empty without one. */
  html: string
}

/**
 * A real SMTP server in this process; each message is parsed as a mail client would (encoded
 * subjects, quoted-printable), so a test reads what a partner's inbox would show.
 */
export async function startMailbox(t: Teardown): Promise<{ url: string; mails: Mail[] }> {
  const mails: Mail[] = []
  const port = await freePort()
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, done) {
      simpleParser(stream).then(
        (parsed) => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address).join(','),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : ''
          })
          done()
        },
        (err: Error) => done(err)
      )
    }
  })
  smtp.listen(port, '127.0.0.1')
  await once(smtp.server, 'listening')
  t.teardown(() => new Promise<void>((resolve) => smtp.close(() => resolve())))
  return { url: `smtp://127.0.0.1:${port}`, mails }
}
