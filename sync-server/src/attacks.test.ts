// The attacks from issue 12, replayed against the relay: each one must leave it up, the other
// shops served, and the attacker told why.
import { createConnection, type Socket } from 'node:net';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { tokenSubprotocols } from './auth.js';
import { CloseCode, CloseReason } from './limits.js';
import { messageSync } from './shared-doc.js';
import { LevelStorage } from './storage/level.js';
import { MemoryStorage } from './storage/memory.js';
import {
	api,
	bearer,
	cleanupAll,
	connect,
	createShop,
	health,
	pairStaff,
	rawGet,
	startRelay,
	synced,
	tempDir,
	waitFor,
	type Harness
} from './testing/relay-harness.js';

afterEach(cleanupAll);

const MB = 1024 * 1024;

/** A sync-update frame carrying `bytes` of new content (a fresh client each time). */
function bigUpdateFrame(bytes: number, tag: string): Uint8Array {
	const doc = new Y.Doc();
	doc.getMap('m').set(tag, 'x'.repeat(bytes));
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageSync);
	syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(doc));
	doc.destroy();
	return encoding.toUint8Array(encoder);
}

/**
 * A raw socket on the per-doc path, its token in the subprotocol header as the stock client sends
 * it; records how it was closed, code and reason.
 */
function attacker(url: string, token: string, headers: Record<string, string> = {}) {
	const ws = new WebSocket(url, tokenSubprotocols(token), { headers });
	const state = {
		ws,
		opened: new Promise<number | true>((resolve) => {
			ws.once('open', () => resolve(true));
			ws.once('unexpected-response', (_req, res) => {
				res.resume();
				resolve(res.statusCode ?? 0);
			});
			ws.once('error', () => resolve(0));
		}),
		closed: new Promise<{ code: number; reason: string }>((resolve) =>
			ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))
		)
	};
	ws.on('error', () => {});
	afterEachTerminate.push(() => ws.terminate());
	return state;
}
const afterEachTerminate: (() => void)[] = [];
afterEach(() => {
	for (const stop of afterEachTerminate.splice(0)) stop();
});

/** Another shop syncing through it all: two tablets must still converge. */
async function victimStillSyncs(h: Harness, value: string): Promise<void> {
	const shop = await createShop(h, 'Victim');
	const a = connect(h, 'customers-0', shop.token);
	const b = connect(h, 'customers-0', shop.token);
	await Promise.all([synced(a.provider), synced(b.provider)]);
	a.doc.getMap('customers').set('c1', value);
	await waitFor('victim edit on the other tablet', () => b.doc.getMap('customers').get('c1') === value);
}

describe('attack: big frames and no quota', () => {
	it('six ~8 MB frames into one doc: the second is refused with 4413, the relay stays up', async () => {
		const storage = new MemoryStorage();
		const h = await startRelay({ storage });
		const shop = await createShop(h, 'Attacker');
		const socket = attacker(`${h.wsBase}/big`, shop.token);
		expect(await socket.opened).toBe(true);
		for (let i = 0; i < 6; i++) socket.ws.send(bigUpdateFrame(8 * MB - 1024, `k${i}`));
		expect(await socket.closed).toEqual({ code: CloseCode.docTooLarge, reason: CloseReason.docTooLarge });

		// Reconnecting does not help: the doc is at 8 MB, another 8 MB would pass 16.
		const again = attacker(`${h.wsBase}/big`, shop.token);
		expect(await again.opened).toBe(true);
		again.ws.send(bigUpdateFrame(8 * MB - 1024, 'again'));
		expect((await again.closed).code).toBe(CloseCode.docTooLarge);

		const stored = await storage.readUpdates(`${shop.shopId}/big`);
		expect(stored.reduce((n, u) => n + u.length, 0)).toBeLessThanOrEqual(16 * MB);
		expect((await health(h)).ok).toBe(true);
		await victimStillSyncs(h, 'still served');
	});

	it('25 × 8 MB frames from one device: its update rate and its shop quota stop it', async () => {
		const h = await startRelay({
			limits: { maxDocBytes: 1024 * MB, maxShopBytes: 40 * MB, byteBurst: 32 * MB, bytesPerSecond: 2 * MB }
		});
		const shop = await createShop(h, 'Attacker');
		const fast = attacker(`${h.wsBase}/flood`, shop.token);
		expect(await fast.opened).toBe(true);
		for (let i = 0; i < 25; i++) fast.ws.send(bigUpdateFrame(8 * MB - 1024, `f${i}`));
		// The burst of 32 MB lets four 8 MB frames in, the fifth is over budget.
		expect(await fast.closed).toEqual({ code: CloseCode.rateLimited, reason: CloseReason.rateLimited });

		// A paired second device has its own rate, but the shop's 40 MB are nearly used up.
		const staff = await pairStaff(h, shop.token);
		const closes: ({ code: number; reason: string } | null)[] = [];
		for (let i = 0; i < 3; i++) {
			const s = attacker(`${h.wsBase}/more-${i}`, staff.token);
			expect(await s.opened).toBe(true);
			s.ws.send(bigUpdateFrame(8 * MB - 1024, `s${i}`));
			closes.push(await Promise.race([s.closed, new Promise<null>((r) => setTimeout(() => r(null), 1500))]));
		}
		// Some frames may still fit; every one refused is refused for the shop's quota, with its reason.
		const refused = closes.filter((c) => c !== null);
		expect(refused.length).toBeGreaterThan(0);
		expect(refused).toEqual(refused.map(() => ({ code: CloseCode.shopQuota, reason: CloseReason.shopQuota })));
		await victimStillSyncs(h, 'other shops unaffected');
	});

	it('a stored doc over the limit (from before the quota) is refused on load, not applied', async () => {
		const dir = tempDir('relay-attack-level-');
		const storage = await LevelStorage.open(dir);
		const h = await startRelay({ storage });
		const shop = await createShop(h, 'Attacker');
		await h.close();

		// What the old relay stored: six 8 MB updates, never compacted.
		const raw = await LevelStorage.open(dir);
		for (let i = 0; i < 6; i++) {
			const doc = new Y.Doc();
			doc.getText('t').insert(0, 'y'.repeat(8 * MB));
			await raw.appendUpdate(`${shop.shopId}/big`, Y.encodeStateAsUpdate(doc));
			doc.destroy();
		}
		await raw.close();

		const reopened = await LevelStorage.open(dir);
		const restarted = await startRelay({ storage: reopened });
		globalThis.gc?.();
		const heapBefore = process.memoryUsage().heapUsed;
		const socket = attacker(`${restarted.wsBase}/big`, shop.token);
		expect(await socket.opened).toBe(true);
		expect(await socket.closed).toEqual({ code: CloseCode.docTooLarge, reason: CloseReason.docTooLarge });
		expect((await health(restarted)).docs).toBe(0);
		// Reading 48 MB of log costs about that much, transiently; applying it would cost far more.
		expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(300 * MB);

		// The size is now recorded: the next attempt is refused without reading the log at all.
		await waitFor('size recorded', async () => (await reopened.getMeta(`docsize/${shop.shopId}/big`)) !== undefined);
		const again = attacker(`${restarted.wsBase}/big`, shop.token);
		expect((await again.closed).code).toBe(CloseCode.docTooLarge);
		await victimStillSyncs(restarted, 'served after restart');
	});
});

describe('attack: idle sockets', () => {
	it('1,300 idle websockets from 200 addresses leave /healthz and new clients served', async () => {
		const h = await startRelay({
			trustProxy: true,
			limits: { maxConnections: 2000, maxConnectionsPerShop: 200, pingIntervalMs: 60_000 }
		});
		const shop = await createShop(h, 'Attacker');
		const sockets = Array.from({ length: 1300 }, (_, i) =>
			attacker(`${h.wsBase}/idle-${i % 20}`, shop.token, { 'x-forwarded-for': `10.0.${i % 200}.1` })
		);
		const outcomes = await Promise.all(sockets.map((s) => s.opened));
		const opened = outcomes.filter((o) => o === true).length;
		expect(opened).toBe(200);
		expect(outcomes.filter((o) => o === 429).length).toBe(1100);

		const healthz = await api(h, 'GET', '/healthz');
		expect(healthz.status).toBe(200);
		expect(healthz.body.connections).toBe(200);
		await victimStillSyncs(h, 'new client served');
	});

	it('refuses websockets past the relay-wide cap with 503, and answers /healthz meanwhile', async () => {
		const h = await startRelay({ limits: { maxConnections: 5 } });
		const shop = await createShop(h);
		const first = Array.from({ length: 5 }, () => attacker(`${h.wsBase}/doc`, shop.token));
		expect(await Promise.all(first.map((s) => s.opened))).toEqual([true, true, true, true, true]);
		expect(await attacker(`${h.wsBase}/doc`, shop.token).opened).toBe(503);
		expect((await api(h, 'GET', '/healthz')).status).toBe(200);
		first[0].ws.close();
		await first[0].closed;
		await waitFor('slot back', async () => (await attacker(`${h.wsBase}/doc`, shop.token).opened) === true);
	});

	it('closes TCP connections that never finish their request (handshake timeout)', async () => {
		// maxSockets as on a host with 5,000 descriptors: the idle sockets fit, and are then cut.
		const h = await startRelay({ limits: { headersTimeoutMs: 300, maxSockets: 5000 } });
		const port = Number(new URL(h.base).port);
		const idle: Socket[] = [];
		const closed: Promise<void>[] = [];
		for (let i = 0; i < 1300; i++) {
			const socket = createConnection({ port, host: '127.0.0.1' });
			socket.on('error', () => {});
			socket.resume();
			// Half an upgrade request, then nothing.
			if (i % 2) socket.write('GET /sync/doc HTTP/1.1\r\nHost: x\r\n');
			closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
			idle.push(socket);
			// In waves, as 200 machines would: one burst of 1,300 SYNs overflows any accept queue.
			if (i % 100 === 99) await new Promise((resolve) => socket.once('connect', resolve));
		}
		afterEachTerminate.push(() => idle.forEach((s) => s.destroy()));
		expect((await api(h, 'GET', '/healthz')).status).toBe(200);
		const all = Promise.all(closed).then(() => 'closed');
		expect(await Promise.race([all, new Promise((r) => setTimeout(() => r('still open'), 15_000))])).toBe('closed');
	});
});

describe('attack: idle sockets past the descriptor budget', () => {
	it('refuses TCP past maxSockets instead of meeting EMFILE, and serves again once idle ones time out', async () => {
		const h = await startRelay({ limits: { headersTimeoutMs: 300, maxSockets: 200 } });
		const port = Number(new URL(h.base).port);
		const idle: Socket[] = [];
		for (let i = 0; i < 300; i++) {
			const socket = createConnection({ port, host: '127.0.0.1' });
			socket.on('error', () => {});
			socket.resume();
			idle.push(socket);
			if (i % 100 === 99) await new Promise((resolve) => socket.once('connect', resolve));
		}
		afterEachTerminate.push(() => idle.forEach((s) => s.destroy()));
		await waitFor(
			'/healthz served again',
			async () => {
				try {
					return (await api(h, 'GET', '/healthz')).status === 200;
				} catch {
					return false;
				}
			},
			5000
		);
	});
});

describe('attack: revoking while the device logs in', () => {
	it('never leaves the device record without revokedAt (200 races)', async () => {
		// Every read and write takes a random moment, as LevelDB under load would.
		class SlowStorage extends MemoryStorage {
			override async getMeta<T>(key: string) {
				await new Promise((r) => setTimeout(r, Math.random() * 3));
				return super.getMeta<T>(key);
			}
			override async putMeta(key: string, value: unknown) {
				await new Promise((r) => setTimeout(r, Math.random() * 3));
				return super.putMeta(key, value);
			}
		}
		const h = await startRelay({ storage: new SlowStorage() });
		const { registry } = h.relay;
		const owner = await createShop(h);
		for (let round = 0; round < 200; round++) {
			const pairing = await registry.createPairing({ shopId: owner.shopId, deviceId: owner.deviceId, role: 'owner' });
			const paired = await registry.redeemPairing(pairing.code, `Till ${round}`);
			if (!paired.ok) throw new Error(paired.error);
			const { token, deviceId } = paired.device;
			const logins = Array.from({ length: 8 }, () => registry.authenticateToken(token));
			const revoked = registry.revokeDevice(owner.shopId, deviceId);
			await Promise.all([...logins, revoked]);
			const record = (await registry.listDevices(owner.shopId)).find((d) => d.id === deviceId)!;
			expect(record.revokedAt, `round ${round}`).not.toBeNull();
			expect(await registry.authenticateToken(token)).toBeNull();
		}
	}, 60_000);

	it('a socket authenticated just before the revoke is closed with 4401 anyway', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		for (let round = 0; round < 10; round++) {
			const staff = await pairStaff(h, owner.token, `Till ${round}`);
			const sockets = Array.from({ length: 20 }, (_, i) => attacker(`${h.wsBase}/doc-${i}`, staff.token));
			const revoke = api(h, 'DELETE', `/api/devices/${staff.deviceId}`, undefined, bearer(owner.token));
			expect((await revoke).status).toBe(200);
			const outcomes = await Promise.all(sockets.map((s) => s.opened));
			// Opened before the revoke: closed with 4401; after it: refused with 401. Nothing else.
			const ends = await Promise.all(outcomes.map(async (o, i) => (o === true ? (await sockets[i].closed).code : o)));
			for (const end of ends) expect([CloseCode.revoked, 401]).toContain(end);
			const devices = await api(h, 'GET', '/api/devices', undefined, bearer(owner.token));
			expect(devices.body.find((d: { id: string }) => d.id === staff.deviceId).revokedAt).not.toBeNull();
		}
	});
});

describe('attack: malformed paths', () => {
	it('answers malformed percent-encoding anywhere in a path with a JSON 400', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		for (const path of [
			'/api/docs/%E0%A4%A/state-vector',
			'/api/%E0%A4%A',
			'/%E0%A4%A',
			'/_app/immutable/%zz.js',
			'/customers/%'
		]) {
			const res = await rawGet(h, path, bearer(owner.token));
			expect(res.status, path).toBe(400);
			expect(JSON.parse(res.body.toString()), path).toMatchObject({ error: 'bad-path' });
		}
		const ws = attacker(`${h.wsBase}/%E0%A4%A`, owner.token);
		expect(await ws.opened).toBe(400);
	});
});

describe('attack: pages and sockets from other sites', () => {
	it('sends a strict CSP with the page’s inline script hashes, and the other security headers', async () => {
		const dir = tempDir('relay-csp-');
		const { writeFileSync } = await import('node:fs');
		const inline = 'console.log("boot")';
		writeFileSync(`${dir}/index.html`, `<!doctype html><script>${inline}</script><script src="/x.js"></script>`);
		const h = await startRelay({ staticDir: dir, publicOrigins: ['https://shop.example'] });
		const page = await rawGet(h, '/customers');
		const csp = String(page.headers['content-security-policy']);
		const { createHash } = await import('node:crypto');
		const hash = createHash('sha256').update(inline).digest('base64');
		expect(csp).toContain(`script-src 'self' 'sha256-${hash}'`);
		expect(csp).not.toContain('unsafe-eval');
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("connect-src 'self' https://shop.example wss://shop.example");
		expect(csp).toContain("object-src 'none'");
		expect(page.headers['referrer-policy']).toBe('no-referrer');
		expect(page.headers['permissions-policy']).toContain('camera=(self)');
		expect(page.headers['permissions-policy']).toContain('usb=(self)');
		expect(page.headers['permissions-policy']).toContain('serial=(self)');
		const apiRes = await rawGet(h, '/api/me');
		expect(apiRes.headers['referrer-policy']).toBe('no-referrer');
	});

	it('checks Origin on the upgrade: same host or PUBLIC_ORIGIN pass, none passes, others get 403', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const host = new URL(h.base).host;
		const url = `${h.wsBase}/doc`;
		expect(await attacker(url, owner.token, { origin: 'https://evil.example' }).opened).toBe(403);
		expect(await attacker(url, owner.token, { origin: 'null' }).opened).toBe(403);
		expect(await attacker(url, owner.token, { origin: `http://${host}` }).opened).toBe(true);
		expect(await attacker(url, owner.token).opened).toBe(true);

		const pub = await startRelay({ publicOrigins: ['https://shop.example'] });
		const pubOwner = await createShop(pub);
		const pubUrl = `${pub.wsBase}/doc`;
		expect(await attacker(pubUrl, pubOwner.token, { origin: 'https://shop.example' }).opened).toBe(true);
		expect(await attacker(pubUrl, pubOwner.token, { origin: `http://${new URL(pub.base).host}` }).opened).toBe(403);
	});
});
