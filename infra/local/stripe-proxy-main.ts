import { startStripeTestProxy } from './stripe-test-proxy.ts';

/** The stripe-mock test-mode proxy as a process of its own (docker-compose runs it). */
const port = Number(process.env.PORT ?? 12_110);
const upstream = process.env.STRIPE_MOCK_URL ?? 'http://127.0.0.1:12111';
const proxy = await startStripeTestProxy({ port, upstream, host: process.env.HOST ?? '127.0.0.1' });
console.log(`stripe test proxy on ${proxy.url} -> ${upstream}`);
process.once('SIGTERM', () => void proxy.stop().then(() => process.exit(0)));
