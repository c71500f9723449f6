import { createApp } from './app';

// PORT and HOST pick where to listen; Kerberos itself is configured the standard way (KRB5_CONFIG, KRB5_KTNAME).
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '::';

// '::' listens on every address, IPv4 and IPv6 alike, so http://localhost works whichever one localhost names.
const server = createApp().listen(port, host, () => {
  console.log(`example-express listening on http://localhost:${port}/ (protected route: /me)`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
