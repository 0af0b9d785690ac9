import { afterEach, describe, expect, it } from 'vitest';
import { PAIRING_TTL_MS } from './shops.js';
import { MemoryStorage } from './storage/memory.js';
import { api, bearer, cleanupAll, createShop, SETUP_SECRET, startRelay } from './testing/relay-harness.js';

afterEach(cleanupAll);

describe('api: shops and devices', () => {
	it('creates a shop with an owner device whose token is stored only as a hash', async () => {
		const storage = new MemoryStorage();
		const h = await startRelay({ storage });
		const res = await api(h, 'POST', '/api/shops', { shopName: 'Corner Shop', deviceName: 'Till 1' }, { 'x-setup-secret': SETUP_SECRET });
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({ role: 'owner' });
		expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		const meta = JSON.stringify(await storage.listMeta(''));
		expect(meta).not.toContain(res.body.token);
		expect(meta).toContain('Corner Shop');

		const me = await api(h, 'GET', '/api/me', undefined, bearer(res.body.token));
		expect(me).toEqual({
			status: 200,
			body: { shopId: res.body.shopId, deviceId: res.body.deviceId, role: 'owner' }
		});
	});

	it('answers bad requests with JSON error codes', async () => {
		const h = await startRelay();
		const missing = await api(h, 'POST', '/api/shops', { shopName: 'x' });
		expect(missing).toMatchObject({ status: 400, body: { error: 'invalid-request' } });
		expect(typeof missing.body.message).toBe('string');
		expect(await api(h, 'POST', '/api/shops', '{nope')).toMatchObject({ status: 400, body: { error: 'invalid-json' } });
		const huge = await api(h, 'POST', '/api/shops', { shopName: 'x'.repeat(70_000), deviceName: 'y' });
		expect(huge).toMatchObject({ status: 413, body: { error: 'body-too-large' } });
		expect(await api(h, 'GET', '/api/me')).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
		expect(await api(h, 'GET', '/api/me', undefined, bearer('forged'))).toMatchObject({ status: 401 });
		expect(await api(h, 'GET', '/api/nothing')).toMatchObject({ status: 404, body: { error: 'not-found' } });
		expect(await api(h, 'GET', '/api/shops')).toMatchObject({ status: 405, body: { error: 'method-not-allowed' } });
	});

	it('requires the setup secret when one is configured, again and again', async () => {
		const h = await startRelay({ setupSecret: 's3cret' });
		expect(h.relay.setupCode).toBeNull();
		const body = { shopName: 'S', deviceName: 'D' };
		expect(await api(h, 'POST', '/api/shops', body)).toMatchObject({ status: 401, body: { error: 'setup-code-required' } });
		expect(await api(h, 'POST', '/api/shops', body, { 'x-setup-secret': 'wrong' })).toMatchObject({
			status: 403,
			body: { error: 'setup-code-invalid' }
		});
		expect((await api(h, 'POST', '/api/shops', body, { 'x-setup-secret': 's3cret' })).status).toBe(201);
		expect((await api(h, 'POST', '/api/shops', { ...body, setupCode: 's3cret' })).status).toBe(201);
	});

	it('without a secret, a one-time setup code creates exactly one shop', async () => {
		const h = await startRelay({ setupSecret: undefined });
		const code = h.relay.setupCode!;
		expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
		const body = { shopName: 'S', deviceName: 'D' };
		expect(await api(h, 'POST', '/api/shops', body)).toMatchObject({ status: 401, body: { error: 'setup-code-required' } });
		expect(await api(h, 'POST', '/api/shops', { ...body, setupCode: 'AAAA-AAAA' })).toMatchObject({
			status: 403,
			body: { error: 'setup-code-invalid' }
		});
		// Typed on a tablet: lower case, no dash; two tablets racing with it: one wins.
		const typed = code.replace('-', '').toLowerCase();
		const [a, b] = await Promise.all([
			api(h, 'POST', '/api/shops', body, { 'x-setup-secret': typed }),
			api(h, 'POST', '/api/shops', { ...body, setupCode: code })
		]);
		expect([a.status, b.status].sort()).toEqual([201, 403]);
		expect(h.relay.setupCode).toBeNull();
		expect((await api(h, 'POST', '/api/shops', { ...body, setupCode: code })).status).toBe(403);
		// Guessing is capped like pairing: 10 wrong codes a minute, then 429 even for a right one.
		const fresh = await startRelay({ setupSecret: undefined });
		for (let i = 0; i < 10; i++) {
			expect((await api(fresh, 'POST', '/api/shops', { ...body, setupCode: `WRONG${i}` })).status).toBe(403);
		}
		expect(await api(fresh, 'POST', '/api/shops', { ...body, setupCode: fresh.relay.setupCode })).toMatchObject({
			status: 429,
			body: { error: 'too-many-requests' }
		});
		// Existing shops carry on: pairing needs no setup code.
		const owner = a.status === 201 ? a.body : b.body;
		const pairing = await api(h, 'POST', '/api/pairings', {}, bearer(owner.token));
		expect((await api(h, 'POST', '/api/pair', { code: pairing.body.code, deviceName: 'Till 2' })).status).toBe(201);
	});
});

describe('api: pairing', () => {
	it('pairs a staff device once with a short code', async () => {
		const h = await startRelay();
		const owner = await createShop(h);
		const pairing = await api(h, 'POST', '/api/pairings', { storeId: 'store-1' }, bearer(owner.token));
		expect(pairing.status).toBe(201);
		expect(pairing.body.code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
		expect(Date.parse(pairing.body.expiresAt)).toBeGreaterThan(Date.now());

		// Typed on a tablet: lower case, no dash.
		const typed = pairing.body.code.replace('-', '').toLowerCase();
		const paired = await api(h, 'POST', '/api/pair', { code: typed, deviceName: 'Till 2' });
		expect(paired.status).toBe(201);
		expect(paired.body).toMatchObject({ shopId: owner.shopId, role: 'staff', storeId: 'store-1' });
		expect(paired.body.deviceId).not.toBe(owner.deviceId);

		const reused = await api(h, 'POST', '/api/pair', { code: pairing.body.code, deviceName: 'Till 3' });
		expect(reused).toMatchObject({ status: 400, body: { error: 'pairing-code-invalid' } });

		// Staff may use the shop but not invite or revoke.
		expect((await api(h, 'POST', '/api/pairings', {}, bearer(paired.body.token))).status).toBe(403);
		expect((await api(h, 'DELETE', `/api/devices/${owner.deviceId}`, undefined, bearer(paired.body.token))).status).toBe(403);
	});

	it('refuses an expired code with 410', async () => {
		let now = Date.parse('2026-03-01T10:00:00Z');
		const h = await startRelay({ now: () => now });
		const owner = await createShop(h);
		const pairing = await api(h, 'POST', '/api/pairings', {}, bearer(owner.token));
		expect(pairing.body.expiresAt).toBe('2026-03-01T10:10:00.000Z');
		now += PAIRING_TTL_MS;
		const late = await api(h, 'POST', '/api/pair', { code: pairing.body.code, deviceName: 'Till 2' });
		expect(late).toMatchObject({ status: 410, body: { error: 'pairing-code-expired' } });
	});

	it('rate-limits pairing attempts per address', async () => {
		let now = 0;
		const h = await startRelay({ now: () => now, limits: { pairAttemptsPerMinute: 10 } });
		const attempt = () => api(h, 'POST', '/api/pair', { code: 'AAAA-AAAA', deviceName: 'x' });
		for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(400);
		expect(await attempt()).toMatchObject({ status: 429, body: { error: 'too-many-requests' } });
		now += 60_000;
		expect((await attempt()).status).toBe(400);
	});
});

describe('api: device list and revocation', () => {
	it('lists only the shop’s own devices and revokes them', async () => {
		const h = await startRelay();
		const owner = await createShop(h, 'A');
		const other = await createShop(h, 'B');
		const code = (await api(h, 'POST', '/api/pairings', {}, bearer(owner.token))).body.code;
		const staff = (await api(h, 'POST', '/api/pair', { code, deviceName: 'Till 2' })).body;

		const list = await api(h, 'GET', '/api/devices', undefined, bearer(owner.token));
		expect(list.status).toBe(200);
		expect(list.body.map((d: { id: string }) => d.id).sort()).toEqual([owner.deviceId, staff.deviceId].sort());
		expect(list.body[0]).not.toHaveProperty('tokenHash');
		expect(list.body.find((d: { id: string }) => d.id === staff.deviceId)).toMatchObject({
			name: 'Till 2',
			role: 'staff',
			revokedAt: null
		});

		expect((await api(h, 'DELETE', `/api/devices/${other.deviceId}`, undefined, bearer(owner.token))).status).toBe(404);
		expect((await api(h, 'DELETE', `/api/devices/${owner.deviceId}`, undefined, bearer(owner.token))).status).toBe(400);
		expect((await api(h, 'DELETE', `/api/devices/${staff.deviceId}`, undefined, bearer(owner.token))).status).toBe(200);
		expect((await api(h, 'GET', '/api/me', undefined, bearer(staff.token))).status).toBe(401);
		const after = await api(h, 'GET', '/api/devices', undefined, bearer(owner.token));
		expect(after.body.find((d: { id: string }) => d.id === staff.deviceId).revokedAt).toEqual(expect.any(String));
	});
});
