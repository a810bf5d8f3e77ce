/**
 * The e-mail activity: renders a notification (templates.ts) and sends it over SMTP with
 * nodemailer. Idempotent by construction: the Message-ID derives from (workflowId, eventKey)
 * and the Date header is the notification's workflow time, so a retry re-sends the very
 * same message and a sink (or mail system) that dedupes by Message-ID keeps one copy.
 *
 * Failures: SMTP trouble (server down, timeouts, 4xx) throws a retryable ApplicationFailure
 * so Temporal retries with backoff (domain/notifications.ts `notificationRetry`). Only what
 * no retry can fix is non-retryable: no recipients, a payload that cannot be rendered, or
 * the server permanently (5xx) rejecting every recipient.
 *
 * Reads no environment: the worker passes every dependency.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';
import type { Notification, NotificationReceipt } from '../domain/notifications';
import type { RenderedEmail, TemplateLinks } from './letter';
import { render } from './templates';

/** What the activity needs of a nodemailer transporter (any `nodemailer.createTransport(...)` result fits). */
export interface MailTransport {
  sendMail(mail: SendMailOptions): Promise<{ messageId?: string; accepted?: unknown[]; rejected?: unknown[] }>;
}

/** The logging the activity does; Temporal's activity logger and `console` both fit. */
export interface ActivityLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

export interface EmailDeps {
  /** A nodemailer transporter, or an SMTP URL (e.g. `smtp://127.0.0.1:2525`) to build one from. */
  transport: MailTransport | string;
  /** The From address, e.g. `"onex 1+X 试点" <noreply@onex.local>`. */
  from: string;
  /** Base URL of the admin client; mails link to `${adminUrl}/pilots/<id>`. */
  adminUrl: string;
  /** Signs one-click links (see TemplateLinks.signLink); plain links without it. */
  signLink?: TemplateLinks['signLink'];
  logger?: ActivityLogger;
}

/** Failure types the activity raises (ApplicationFailure.type). */
export const emailFailureTypes = {
  noRecipients: 'OnexNoRecipients',
  invalidNotification: 'OnexInvalidNotification',
  smtpRejected: 'OnexSmtpRejected',
  smtpUnavailable: 'OnexSmtpUnavailable',
} as const;

/** `<first 32 hex of sha256(workflowId + "\n" + eventKey)@onex.local>`: stable across retries. */
export function notificationMessageId(workflowId: string, eventKey: string): string {
  const hash = createHash('sha256').update(`${workflowId}\n${eventKey}`, 'utf8').digest('hex').slice(0, 32);
  return `<${hash}@onex.local>`;
}

/**
 * SMTP timeouts for a transport built from a URL, kept under the activity's one-minute
 * startToCloseTimeout so a hung server fails the attempt (and Temporal retries it).
 */
const URL_TRANSPORT_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

function toTransport(t: MailTransport | string): MailTransport {
  return typeof t === 'string' ? nodemailer.createTransport({ url: t, ...URL_TRANSPORT_TIMEOUTS }) : t;
}

function isValidInstant(iso: string): boolean {
  return typeof iso === 'string' && !Number.isNaN(new Date(iso).getTime());
}

function addresses(list: unknown[] | undefined): string[] {
  return (list ?? []).map((a) =>
    typeof a === 'string' ? a : typeof a === 'object' && a !== null && 'address' in a ? String(a.address) : String(a),
  );
}

function invalid(message: string, details: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({ message, type: emailFailureTypes.invalidNotification, nonRetryable: true, details: [details] });
}

function renderOrFail(n: Notification, links: TemplateLinks): RenderedEmail {
  if (!isValidInstant(n.occurredAt)) {
    throw invalid(`通知时间无效 / invalid occurredAt: ${String(n.occurredAt)}`, { eventKey: n.eventKey });
  }
  try {
    return render(n, links);
  } catch (err) {
    // Rendering is pure: the same payload fails the same way on every attempt.
    throw ApplicationFailure.create({
      message: `无法生成通知邮件 / cannot render the notification (${n.kind} ${n.eventKey}): ${(err as Error).message}`,
      type: emailFailureTypes.invalidNotification,
      nonRetryable: true,
      cause: err instanceof Error ? err : undefined,
    });
  }
}

/** nodemailer's error when the server rejected recipients: EENVELOPE with the reply code. */
function isPermanentRejection(err: unknown): boolean {
  const e = err as { code?: unknown; responseCode?: unknown };
  return e.code === 'EENVELOPE' && typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
}

export function createEmailSender(deps: EmailDeps): { sendNotification(n: Notification): Promise<NotificationReceipt> } {
  const transport = toTransport(deps.transport);
  return {
    async sendNotification(n: Notification): Promise<NotificationReceipt> {
      if (n.to.length === 0) {
        throw ApplicationFailure.create({
          message: `通知没有收件人 / the notification has no recipients (${n.kind} ${n.eventKey})`,
          type: emailFailureTypes.noRecipients,
          nonRetryable: true,
          details: [{ workflowId: n.workflowId, eventKey: n.eventKey }],
        });
      }
      const mail = renderOrFail(n, { adminUrl: deps.adminUrl, ...(deps.signLink ? { signLink: deps.signLink } : {}) });
      const messageId = notificationMessageId(n.workflowId, n.eventKey);
      const meta = { workflowId: n.workflowId, eventKey: n.eventKey, kind: n.kind, messageId };
      try {
        const info = await transport.sendMail({
          from: deps.from,
          to: n.to.map((r) => (r.name ? { name: r.name, address: r.email } : r.email)),
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId,
          date: new Date(n.occurredAt),
          headers: { 'X-Onex-Workflow-Id': n.workflowId, 'X-Onex-Event-Key': n.eventKey, 'X-Onex-Notification': n.kind },
        });
        const receipt = { messageId, accepted: addresses(info.accepted), rejected: addresses(info.rejected) };
        deps.logger?.info('notification sent', { ...meta, accepted: receipt.accepted, rejected: receipt.rejected });
        if (receipt.rejected.length > 0) deps.logger?.warn('notification partly rejected', { ...meta, rejected: receipt.rejected });
        return receipt;
      } catch (err) {
        const permanent = isPermanentRejection(err);
        deps.logger?.warn('notification not sent', { ...meta, error: (err as Error).message, retryable: !permanent });
        throw ApplicationFailure.create({
          message: `邮件发送失败 / sending the e-mail failed (${n.kind} ${n.eventKey}): ${(err as Error).message}`,
          type: permanent ? emailFailureTypes.smtpRejected : emailFailureTypes.smtpUnavailable,
          nonRetryable: permanent,
          cause: err instanceof Error ? err : undefined,
        });
      }
    },
  };
}
