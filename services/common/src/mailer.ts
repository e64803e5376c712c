import nodemailer from 'nodemailer';
import { AppError } from '@showcart/shared';
import type { TConfig } from './config.ts';

/** One mail: plain text always (what every client shows), HTML beside it. */
export type TMail = { to: string; subject: string; text: string; html: string; headers?: Record<string, string> };

export type TMailer = { send: (mail: TMail) => Promise<void> };

/**
 * Mail through the configured SMTP server (nodemailer). Without SMTP_URL nothing can be
 * sent, and saying so is a 404-class refusal (NOT_CONFIGURED), not a fault.
 */
export const createMailer = (config: TConfig['mail']): TMailer => {
  if (!config.smtpUrl) {
    return { send: async () => { throw new AppError('NOT_CONFIGURED', 'This server has no mail (SMTP_URL) set up.'); } };
  }
  const transport = nodemailer.createTransport(config.smtpUrl);
  return {
    send: async (mail) => {
      await transport.sendMail({ from: config.from, ...mail });
    },
  };
};
