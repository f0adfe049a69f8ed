// Outgoing email through nodemailer to SMTP_URL; without it the message is written to the log,
// so a single-instance install still shows its verification and reset links. In production
// (MAIL_LOG_CONTENT off) the log says only that a mail was not sent, to whom and which kind: its
// tokens would let anyone who reads the logs verify addresses or take over accounts.
import nodemailer from 'nodemailer'
import type { Config } from '../config'
import type { Logger } from '../shared/log'

export type Mail = { to: string; subject: string; text: string; /** For the log: verify, reset, … */ kind?: string }

export type Mailer = {
  /** Never throws and never waits for SMTP: answers must not reveal, by timing, that a mail went out. */
  send(mail: Mail): void
  /** Resolves when every message handed to send() so far was delivered or failed. */
  idle(): Promise<void>
  /** Releases the SMTP transport; mails in flight still finish. */
  close(): void
}

export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom'> & Partial<Pick<Config, 'mailLogContent'>>, log: Logger): Mailer {
  const transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null
  const inFlight = new Set<Promise<unknown>>()
  return {
    send(mail) {
      const { kind, ...message } = mail
      if (!transport) {
        if (config.mailLogContent === false) log.warn('email not sent: no SMTP_URL set', { to: mail.to, kind: kind ?? mail.subject })
        else log.info('email (no SMTP_URL set, not sent)', { to: mail.to, subject: mail.subject, text: mail.text })
        return
      }
      const p = transport.sendMail({ from: config.mailFrom, ...message })
        .catch((e) => log.error('could not send email', { to: mail.to, subject: mail.subject, error: String(e) }))
        .finally(() => inFlight.delete(p))
      inFlight.add(p)
    },
    async idle() {
      await Promise.all([...inFlight])
    },
    close() {
      transport?.close()
    },
  }
}
