import { until } from './harness.ts';

/** A mail the catcher (maildev) keeps, as its HTTP API gives it. */
export type TCaughtMail = { id: string; subject: string; text: string; to: { address: string }[] };

/** Every mail the run's mail catcher received for `address` (whatever its case), oldest first. */
export const mailsTo = async (catcherUrl: string | undefined, address: string): Promise<TCaughtMail[]> => {
  if (!catcherUrl) throw new Error('no mail catcher in this run (MAIL_CATCHER_URL)');
  const all = (await (await fetch(`${catcherUrl}/api/email`)).json()) as TCaughtMail[];
  return all.filter((m) => m.to.some((t) => t.address.toLowerCase() === address.toLowerCase()));
};

/** The link (with its token) in the newest mail to `address` whose subject matches, once it has come. */
export const linkInNewestMail = async (catcherUrl: string | undefined, address: string, subject: RegExp): Promise<URL> => {
  const mail = await until(`a mail to ${address}`, async () => (await mailsTo(catcherUrl, address)).filter((m) => subject.test(m.subject)).at(-1));
  return new URL(/(https?:\/\/\S+token=[A-Za-z0-9_-]+)/.exec(mail.text)![1]!);
};
