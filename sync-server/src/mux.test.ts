import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CloseReason } from './limits.js';
import { docErrorCode, muxClose } from './mux-protocol.js';
import { encodeAwareness } from './shared-doc.js';
import { muxClient } from './testing/mux-harness.js';
import {
	api,
	bearer,
	cleanupAll,
	connect,
	createShop,
	health,
	pairStaff,
	rawSocket,
	startRelay,
	synced,
	waitFor
} from './testing/relay-harness.js';

afterEach(cleanupAll);

const names = (n: number) => Array.from({ length: n }, (_, i) => `doc-${i}`);
const m = (doc: Y.Doc) => doc.getMap<string>('m');

describe('multiplexed endpoint: one socket per tablet', () => {
	it('syncs twenty docs between two tablets over one socket each', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const staff = await pairStaff(h, owner.token);
		const a = muxClient(h, owner.token);
		const b = muxClient(h, staff.token);
		await Promise.all([a.waitReady(), b.waitReady()]);
		const docsA = names(20).map((n) => a.subscribe(n));
		const docsB = names(20).map((n) => b.subscribe(n));
		await waitFor('all synced', () => [...docsA, ...docsB].every((d) => d.synced()));

		docsA.forEach((d, i) => m(d.doc).set('from-a', `a${i}`));
		docsB.forEach((d, i) => m(d.doc).set('from-b', `b${i}`));
		await waitFor('every edit on both tablets', () =>
			[...docsA, ...docsB].every((d) => m(d.doc).size === 2)
		);
		docsB.forEach((d, i) => expect(m(d.doc).toJSON()).toEqual({ 'from-a': `a${i}`, 'from-b': `b${i}` }));
		expect(await health(h)).toMatchObject({ connections: 2, docs: 20 });
	});

	it("a shop's 4 tablets behind one address, 20 docs each, hold 4 sockets and never meet the per-address cap", async () => {
		const h = await startRelay({ limits: { maxConnectionsPerIp: 10 } });
		const owner = await createShop(h);
		const tokens = [owner.token, ...(await Promise.all([1, 2, 3].map((i) => pairStaff(h, owner.token, `Till ${i}`)))).map((d) => d.token)];
		const tablets = tokens.map((t) => muxClient(h, t));
		await Promise.all(tablets.map((t) => t.waitReady()));
		const docs = tablets.map((t) => names(20).map((n) => t.subscribe(n)));
		await waitFor('80 subscriptions synced', () => docs.flat().every((d) => d.synced()));
		docs.forEach((mine, i) => mine.forEach((d) => m(d.doc).set(`t${i}`, 'x')));
		await waitFor('every tablet has every edit', () => docs.flat().every((d) => m(d.doc).size === 4));
		expect(tablets.every((t) => t.raw.upgradeStatus === undefined && t.raw.closeCode === undefined)).toBe(true);
		expect((await health(h)).connections).toBe(4);
	});

	it('keeps shops apart under the same doc name', async () => {
		const h = await startRelay();
		const shopA = await createShop(h, 'A');
		const shopB = await createShop(h, 'B');
		const a = muxClient(h, shopA.token);
		const b = muxClient(h, shopB.token);
		await Promise.all([a.waitReady(), b.waitReady()]);
		const da = a.subscribe('customers-0');
		const db = b.subscribe('customers-0');
		await waitFor('synced', () => da.synced() && db.synced());
		m(da.doc).set('c1', 'only in A');
		m(db.doc).set('c9', 'only in B');
		const a2 = muxClient(h, shopA.token);
		await a2.waitReady();
		const da2 = a2.subscribe('customers-0');
		await waitFor('A sees its own edit', () => m(da2.doc).size === 1);
		await waitFor('B stored', async () => (await health(h)).docs === 2);
		expect(m(da2.doc).toJSON()).toEqual({ c1: 'only in A' });
		expect(m(db.doc).toJSON()).toEqual({ c9: 'only in B' });
	});

	it('answers a bad message with an error for that doc only; the socket and other docs carry on', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const a = muxClient(h, owner.token);
		const b = muxClient(h, owner.token);
		await Promise.all([a.waitReady(), b.waitReady()]);
		const good = a.subscribe('good');
		a.subscribe('bad');
		const watcher = b.subscribe('good');
		await waitFor('synced', () => good.synced() && watcher.synced());

		a.send('bad', new Uint8Array([0, 2, 200, 1, 2, 3])); // an update whose bytes are not Yjs
		await waitFor('doc error', () => a.docErrors.length === 1);
		expect(a.docErrors[0]).toEqual({ doc: 'bad', code: docErrorCode.badMessage, reason: 'bad message' });
		a.send('Not a/valid name', new Uint8Array([0, 0, 0]));
		await waitFor('bad name error', () => a.docErrors.length === 2);
		expect(a.docErrors[1].code).toBe(docErrorCode.badDocName);
		a.send('never-subscribed', new Uint8Array([0, 2, 0]));
		await waitFor('not subscribed error', () => a.docErrors.length === 3);
		expect(a.docErrors[2]).toMatchObject({ doc: 'never-subscribed', code: docErrorCode.notSubscribed });

		m(good.doc).set('still', 'flowing');
		await waitFor('the good doc still syncs', () => m(watcher.doc).get('still') === 'flowing');
		expect(a.raw.closeCode).toBeUndefined();
	});

	it('closes the socket itself on a frame that is not a frame', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const a = muxClient(h, owner.token);
		await a.waitReady();
		a.sendRaw('text is not allowed');
		expect(await a.raw.closed).toBe(muxClose.badFrame);
	});

	it('caps the docs one socket holds', async () => {
		const h = await startRelay({ limits: { muxMaxDocs: 3 } });
		const owner = await createShop(h);
		const a = muxClient(h, owner.token);
		await a.waitReady();
		const held = names(3).map((n) => a.subscribe(n));
		a.subscribe('one-too-many');
		await waitFor('refused', () => a.docErrors.length === 1);
		expect(a.docErrors[0]).toMatchObject({ doc: 'one-too-many', code: docErrorCode.tooManyDocs });
		await waitFor('the others synced', () => held.every((d) => d.synced()));
		a.unsubscribe('doc-0');
		const later = a.subscribe('one-too-many');
		await waitFor('room after an unsubscribe', () => later.synced());
	});

	it('unloads a doc once its last subscriber unsubscribed', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const a = muxClient(h, owner.token);
		await a.waitReady();
		const d = a.subscribe('doc');
		await waitFor('synced', () => d.synced());
		expect((await health(h)).docs).toBe(1);
		a.unsubscribe('doc');
		await waitFor('unloaded', async () => (await health(h)).docs === 0);
		expect((await health(h)).connections).toBe(1);
	});
});

describe('multiplexed endpoint: authentication', () => {
	it('refuses a token in the URL, on the multiplexed and the per-doc path', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		for (const url of [`${h.wsBase}?token=${owner.token}`, `${h.wsBase}/doc?token=${owner.token}`]) {
			const raw = rawSocket(url);
			expect(await raw.opened).toBe(false);
			expect(raw.upgradeStatus).toBe(400);
		}
	});

	it('closes a socket whose first frame is not a valid auth frame, or that sends none', async () => {
		const h = await startRelay({ limits: { muxAuthTimeoutMs: 100 } });
		const owner = await createShop(h);
		const wrong = muxClient(h, `${owner.token}x`);
		expect(await wrong.raw.closed).toBe(muxClose.revoked);
		expect(wrong.ready).toBe(false);
		const silent = muxClient(h, undefined);
		expect(await silent.raw.closed).toBe(muxClose.authTimeout);
		const rude = muxClient(h, undefined);
		await rude.raw.opened;
		rude.send('doc', new Uint8Array([0, 0, 0]));
		expect(await rude.raw.closed).toBe(muxClose.revoked);
		expect(rude.received).toEqual([]);
	});

	it('the HTTP API takes the token from the Authorization header only', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const inQuery = await api(h, 'GET', `/api/me?token=${owner.token}`);
		expect(inQuery.status).toBe(401);
		expect(inQuery.body.error).toBe('unauthorized');
		expect((await api(h, 'GET', '/api/me', undefined, bearer(owner.token))).status).toBe(200);
	});

	it('closes a revoked tablet’s socket with 4401', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const staff = await pairStaff(h, owner.token);
		const tablet = muxClient(h, staff.token);
		await tablet.waitReady();
		expect((await api(h, 'DELETE', `/api/devices/${staff.deviceId}`, undefined, bearer(owner.token))).status).toBe(200);
		expect(await tablet.raw.closed).toBe(muxClose.revoked);
	});
});

describe('token rotation', () => {
	it('gives a new token once; the old one stops at once and its sockets close with 4403', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const staff = await pairStaff(h, owner.token);
		const tablet = muxClient(h, staff.token);
		await tablet.waitReady();
		const stock = connect(h, 'doc', staff.token);
		await synced(stock.provider);
		const closes: number[] = [];
		stock.provider.on('connection-close', (event) => closes.push(event?.code ?? -1));

		const rotated = await api(h, 'POST', `/api/devices/${staff.deviceId}/rotate`, undefined, bearer(owner.token));
		expect(rotated.status).toBe(200);
		expect(rotated.body.deviceId).toBe(staff.deviceId);
		expect(typeof rotated.body.token).toBe('string');
		expect(rotated.body.token).not.toBe(staff.token);
		expect(await tablet.raw.closed).toBe(muxClose.tokenRotated);
		await waitFor('stock socket closed', () => closes.length > 0);
		expect(closes[0]).toBe(muxClose.tokenRotated);

		expect((await api(h, 'GET', '/api/me', undefined, bearer(staff.token))).status).toBe(401);
		const me = await api(h, 'GET', '/api/me', undefined, bearer(rotated.body.token));
		expect(me.body).toEqual({ shopId: owner.shopId, deviceId: staff.deviceId, role: 'staff' });
		const again = muxClient(h, rotated.body.token);
		await again.waitReady();
		const devices = await api(h, 'GET', '/api/devices', undefined, bearer(owner.token));
		expect(devices.body.find((d: { id: string }) => d.id === staff.deviceId).revokedAt).toBeNull();
	});

	it('lets a device rotate its own token, not another’s; a revoked one cannot be rotated', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const staff = await pairStaff(h, owner.token);
		const other = await pairStaff(h, owner.token, 'Till 3');
		const own = await api(h, 'POST', `/api/devices/${staff.deviceId}/rotate`, undefined, bearer(staff.token));
		expect(own.status).toBe(200);
		const notMine = await api(h, 'POST', `/api/devices/${other.deviceId}/rotate`, undefined, bearer(own.body.token));
		expect(notMine.status).toBe(403);
		expect(notMine.body.error).toBe('owner-only');
		await api(h, 'DELETE', `/api/devices/${other.deviceId}`, undefined, bearer(owner.token));
		const revoked = await api(h, 'POST', `/api/devices/${other.deviceId}/rotate`, undefined, bearer(owner.token));
		expect(revoked.status).toBe(409);
		expect(revoked.body.error).toBe('device-revoked');
		const missing = await api(h, 'POST', `/api/devices/nope/rotate`, undefined, bearer(owner.token));
		expect(missing.status).toBe(404);
		expect((await api(h, 'GET', `/api/devices/${staff.deviceId}/rotate`, undefined, bearer(owner.token))).status).toBe(405);
	});
});

describe('token idle expiry', () => {
	const DAY = 86_400_000;

	it('refuses a token unused for longer than the idle limit with token-expired, over HTTP and the socket', async () => {
		let clock = Date.parse('2026-01-01T00:00:00Z');
		const h = await startRelay({ now: () => clock, tokenIdleDays: 30 });
		const owner = await createShop(h);
		const staff = await pairStaff(h, owner.token);
		clock += 29 * DAY;
		expect((await api(h, 'GET', '/api/me', undefined, bearer(staff.token))).status).toBe(200); // used: the count restarts
		clock += 29 * DAY;
		expect((await api(h, 'GET', '/api/me', undefined, bearer(staff.token))).status).toBe(200);
		expect((await api(h, 'GET', '/api/me', undefined, bearer(owner.token))).status).toBe(401);

		clock += 30 * DAY + 1;
		const expired = await api(h, 'GET', '/api/me', undefined, bearer(staff.token));
		expect(expired.status).toBe(401);
		expect(expired.body).toMatchObject({ error: 'token-expired', idleDays: 30 });
		const socket = muxClient(h, staff.token);
		expect(await socket.raw.closed).toBe(muxClose.tokenExpired);
		const stock = rawSocket(`${h.wsBase}/doc`, { token: staff.token });
		expect(await stock.opened).toBe(false);
		expect(stock.upgradeStatus).toBe(401);
	});

	it('brings an expired tablet back when the owner rotates its token', async () => {
		let clock = Date.parse('2026-01-01T00:00:00Z');
		const h = await startRelay({ now: () => clock, tokenIdleDays: 30 });
		const owner = await createShop(h);
		const staff = await pairStaff(h, owner.token);
		clock += 20 * DAY;
		expect((await api(h, 'GET', '/api/me', undefined, bearer(owner.token))).status).toBe(200);
		clock += 20 * DAY;
		expect((await api(h, 'GET', '/api/me', undefined, bearer(staff.token))).body.error).toBe('token-expired');
		const rotated = await api(h, 'POST', `/api/devices/${staff.deviceId}/rotate`, undefined, bearer(owner.token));
		expect(rotated.status).toBe(200);
		expect((await api(h, 'GET', '/api/me', undefined, bearer(rotated.body.token))).status).toBe(200);
	});

	it('never expires tokens with an idle limit of 0', async () => {
		let clock = Date.parse('2026-01-01T00:00:00Z');
		const h = await startRelay({ now: () => clock, tokenIdleDays: 0 });
		const owner = await createShop(h);
		clock += 10_000 * DAY;
		expect((await api(h, 'GET', '/api/me', undefined, bearer(owner.token))).status).toBe(200);
	});
});

describe('awareness on the multiplexed path', () => {
	it('reaches only subscribers that asked for it, never back to its sender', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const quiet = muxClient(h, owner.token);
		const talker = muxClient(h, owner.token);
		const listener = muxClient(h, owner.token);
		await Promise.all([quiet, talker, listener].map((c) => c.waitReady()));
		const subs = [quiet, talker, listener].map((c) => c.subscribe('doc'));
		await waitFor('synced', () => subs.every((s) => s.synced()));
		listener.send('doc', new Uint8Array([3])); // query-awareness: "I want it"

		const local = new awarenessProtocol.Awareness(new Y.Doc());
		local.setLocalState({ till: 1 });
		talker.send('doc', encodeAwareness(local, [local.clientID]));
		await waitFor('listener got it', () => listener.received.filter((r) => r.doc === 'doc' && r.type === 1).length >= 2);
		// A stock per-doc peer still gets awareness (its keepalive), the talker's own is not echoed.
		const stock = connect(h, 'doc', owner.token);
		await waitFor('stock peer sees the talker', () => stock.provider.awareness.getStates().has(local.clientID));
		expect(quiet.received.some((r) => r.type === 1 && r.doc === 'doc')).toBe(false);
		expect(talker.received.some((r) => r.type === 1 && r.doc === 'doc')).toBe(false);
		local.destroy();
	});
});

describe('backpressure', () => {
	it('closes a socket that stops reading instead of buffering for it without bound', async () => {
		const events: string[] = [];
		const h = await startRelay({
			limits: { muxMaxBufferedBytes: 256 * 1024, maxMessageBytes: 64 * 1024 * 1024 },
			log: (event) => events.push(event)
		});
		const owner = await createShop(h);
		const slow = muxClient(h, owner.token);
		const writer = muxClient(h, owner.token);
		await Promise.all([slow.waitReady(), writer.waitReady()]);
		const s = slow.subscribe('doc');
		const w = writer.subscribe('doc');
		await waitFor('synced', () => s.synced() && w.synced());
		// Stop reading: the relay's writes to this socket pile up in its buffer.
		(slow.raw.ws as unknown as { _socket: { pause(): void } })._socket.pause();
		const big = 'x'.repeat(1024 * 1024);
		for (let i = 0; i < 40 && !events.includes('mux-slow-consumer'); i++) {
			m(w.doc).set(`k${i}`, big + i);
			await new Promise((r) => setTimeout(r, 20));
		}
		await waitFor('slow consumer cut off', () => events.includes('mux-slow-consumer'));
		await waitFor('its socket is gone', async () => (await health(h)).connections === 1, 6000);
		expect(writer.raw.closeCode).toBeUndefined();
	});
});

describe('the stock y-websocket client', () => {
	it('syncs with a valid token in the subprotocol header, beside multiplexed tablets', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const stock = connect(h, 'customers-0', owner.token);
		const tablet = muxClient(h, owner.token);
		await tablet.waitReady();
		const sub = tablet.subscribe('customers-0');
		await Promise.all([synced(stock.provider), waitFor('mux synced', () => sub.synced())]);
		m(stock.doc).set('c1', 'from stock');
		m(sub.doc).set('c2', 'from mux');
		await waitFor('both ways', () => m(stock.doc).size === 2 && m(sub.doc).size === 2);
		// The relay chose the plain protocol: the token is never echoed back.
		expect(stock.provider.ws?.protocol).toBe('shop-crm-sync');
	});

	it('is refused with a wrong token and never syncs', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const stock = connect(h, 'customers-0', `${owner.token}x`);
		const errors: unknown[] = [];
		stock.provider.on('connection-error', (e) => errors.push(e));
		await waitFor('refused at the upgrade', () => errors.length > 0);
		expect(stock.provider.synced).toBe(false);
		expect(stock.provider.wsconnected).toBe(false);
	});

	it('refuses an update over a quota per doc (4413 with its reason, never applied); the socket and other docs carry on', async () => {
		const h = await startRelay({ limits: { maxDocBytes: 4096 } });
		const owner = await createShop(h);
		const staff = await pairStaff(h, owner.token);
		const a = muxClient(h, owner.token);
		const b = muxClient(h, staff.token);
		await Promise.all([a.waitReady(), b.waitReady()]);
		const big = a.subscribe('big');
		const other = a.subscribe('other');
		await waitFor('synced', () => big.synced() && other.synced());
		m(big.doc).set('x', 'y'.repeat(8000));
		await waitFor('doc error', () => a.docErrors.length > 0);
		expect(a.docErrors).toEqual([{ doc: 'big', code: docErrorCode.docTooLarge, reason: CloseReason.docTooLarge }]);
		m(other.doc).set('k', 'v');
		const seen = b.subscribe('other');
		await waitFor('other doc still syncs', () => m(seen.doc).get('k') === 'v');
		const bigOnB = b.subscribe('big');
		await waitFor('big synced on b', () => bigOnB.synced());
		expect(m(bigOnB.doc).has('x')).toBe(false);
		expect(a.raw.closeCode).toBeUndefined();
	});

	it("refuses a device over its update rate per doc with 4429, and a shop's sockets past its cap with 1013", async () => {
		const h = await startRelay({ limits: { updatesPerSecond: 1, updateBurst: 3, maxConnectionsPerShop: 1 } });
		const owner = await createShop(h);
		const a = muxClient(h, owner.token);
		await a.waitReady();
		const doc = a.subscribe('flood');
		await waitFor('synced', () => doc.synced());
		for (let i = 0; i < 10; i++) m(doc.doc).set(`k${i}`, 'v');
		await waitFor('rate refusal', () => a.docErrors.length > 0);
		expect(a.docErrors[0]).toEqual({ doc: 'flood', code: docErrorCode.rateLimited, reason: CloseReason.rateLimited });
		const second = muxClient(h, owner.token);
		expect(await second.raw.closed).toBe(muxClose.tryAgainLater);
		expect(a.raw.closeCode).toBeUndefined();
	});
});
