// A small stand-in for nginx's `hash $arg_shop consistent` in front of several relay instances,
// for running the cluster on one machine without docker (tests, the relay bench, run-local.sh).
// A shop's requests and sockets go to one instance (rendezvous hashing of `?shop=` or the
// `x-shop-id` header; without either, of the client address); when that instance refuses the
// connection, the next in the shop's order takes over, as nginx's proxy_next_upstream does.
import { createHash } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface Backend {
	host: string;
	port: number;
}

export interface ShopProxy {
	port: number;
	close(): Promise<void>;
}

// A backend that refused a connection is skipped for this long before being tried again.
const DOWN_FOR_MS = 2000;

export function shopKey(req: IncomingMessage): string {
	const query = (req.url ?? '').split('?')[1];
	const shop = query ? new URLSearchParams(query).get('shop') : null;
	const header = req.headers['x-shop-id'];
	return shop || (typeof header === 'string' && header) || req.socket.remoteAddress || '';
}

/** Backends in the order a shop tries them: the same order on every proxy, and only 1/N moves when one goes. */
export function backendOrder(key: string, backends: Backend[]): Backend[] {
	const weight = (b: Backend) => createHash('sha1').update(`${key}|${b.host}:${b.port}`).digest().readUInt32BE(0);
	return [...backends].sort((a, b) => weight(b) - weight(a));
}

export async function startShopProxy(backends: Backend[], port = 0, host = '127.0.0.1'): Promise<ShopProxy> {
	const downUntil = new Map<Backend, number>();
	const candidates = (req: IncomingMessage) => {
		const order = backendOrder(shopKey(req), backends);
		const up = order.filter((b) => (downUntil.get(b) ?? 0) <= Date.now());
		// All marked down: try them all anyway rather than refuse.
		return up.length > 0 ? up : order;
	};

	// Connects to the first backend that accepts a TCP connection.
	function dial(order: Backend[], done: (socket: Socket | null) => void): void {
		const [first, ...rest] = order;
		if (!first) return done(null);
		const socket = connect(first.port, first.host);
		socket.once('connect', () => {
			socket.removeAllListeners('error');
			done(socket);
		});
		socket.once('error', () => {
			downUntil.set(first, Date.now() + DOWN_FOR_MS);
			socket.destroy();
			dial(rest, done);
		});
	}

	const server: Server = createServer((req, res) => {
		dial(candidates(req), (socket) => {
			if (!socket) {
				res.writeHead(502, { 'content-type': 'application/json' });
				return void res.end('{"error":"no-relay","message":"No relay instance is reachable."}');
			}
			const upstream = request(
				{ createConnection: () => socket, path: req.url, method: req.method, headers: req.headers },
				(answer) => {
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(res);
				}
			);
			upstream.on('error', () => {
				if (!res.headersSent) res.writeHead(502);
				res.end();
			});
			req.pipe(upstream);
		});
	});

	const sockets = new Set<Duplex>();
	server.on('upgrade', (req: IncomingMessage, client: Duplex, head: Buffer) => {
		sockets.add(client);
		client.on('error', () => client.destroy());
		client.on('close', () => sockets.delete(client));
		dial(candidates(req), (upstream) => {
			if (!upstream) return void client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
			if (client.destroyed) return void upstream.destroy();
			sockets.add(upstream);
			upstream.on('close', () => sockets.delete(upstream));
			const lines = [`${req.method} ${req.url} HTTP/1.1`];
			for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
			upstream.write(lines.join('\r\n') + '\r\n\r\n');
			if (head.length > 0) upstream.write(head);
			upstream.pipe(client);
			client.pipe(upstream);
			// Either side gone (an instance killed): the other goes too, so the tablet reconnects.
			upstream.on('error', () => client.destroy());
			upstream.on('close', () => client.destroy());
			client.on('close', () => upstream.destroy());
		});
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve());
	});
	return {
		port: (server.address() as { port: number }).port,
		close: () =>
			new Promise<void>((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
