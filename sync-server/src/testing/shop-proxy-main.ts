// The shop-hashing proxy in a process of its own, as nginx would be (the relay bench: a proxy in
// the load generator's process would share its event loop and slow both).
// BACKENDS=host:port,host:port  PORT (0: any free port). Prints "proxy listening on <port>".
import { startShopProxy } from './shop-proxy.js';

const backends = (process.env.BACKENDS ?? '').split(',').filter(Boolean).map((entry) => {
	const [host, port] = entry.split(':');
	return { host, port: Number(port) };
});
if (backends.length === 0) throw new Error('BACKENDS=host:port,… is required');
const proxy = await startShopProxy(backends, Number(process.env.PORT ?? 0));
console.log(`proxy listening on ${proxy.port}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => void proxy.close().then(() => process.exit(0)));
}
