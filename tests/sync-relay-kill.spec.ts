// The relay is killed with SIGKILL while tablets are syncing, then restarted on the same data:
// nothing a tablet had received is lost, and the tablets catch up by themselves.
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEST_SETUP_SECRET } from './support/env';
import { startRelay, type Relay } from './support/relay';
import { openTablet, type AppWindow as W } from './support/tablet';



const ids = (page: Page) => page.evaluate(() => (globalThis as W).shopCrm.db.customers.toCollection().primaryKeys());
const state = (page: Page) => page.evaluate(() => (globalThis as W).shopCrmSync.status);

test('relay killed with SIGKILL mid-sync and restarted: nothing is lost', async ({ browser }) => {
	test.setTimeout(120_000);
	const dataDir = mkdtempSync(join(tmpdir(), 'shop-crm-kill-'));
	let relay: Relay = await startRelay({ staticDir: resolve('build'), dataDir });
	const port = Number(new URL(relay.url).port);
	try {
		const [a, b, c] = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
		const [pa, pb, pc] = await Promise.all([a.newPage(), b.newPage(), c.newPage()]);
		await openTablet(pa, relay.url);
		await pa.evaluate((setupSecret) => (globalThis as W).shopCrmSync.createShop({ shopName: 'Kill test', deviceName: 'Till A', settings: {}, setupSecret }), TEST_SETUP_SECRET);
		const [codeB, codeC] = await pa.evaluate(async () => [
			(await (globalThis as W).shopCrmSync.createPairing()).code,
			(await (globalThis as W).shopCrmSync.createPairing()).code
		]);
		await openTablet(pb, relay.url);
		await pb.evaluate((code) => (globalThis as W).shopCrmSync.pair({ code, deviceName: 'Till B' }), codeB);
		for (const p of [pa, pb]) await expect.poll(async () => (await state(p)).state).toBe('online');

		// A keeps ringing up new customers; the relay dies in the middle of it.
		const creating = pa.evaluate(async () => {
			const made: string[] = [];
			for (let i = 0; i < 40; i++) {
				const r = await (globalThis as W).shopCrm.customers.create({
					firstName: `Kill${i}`,
					lastName: 'Test',
					email: '',
					phone: '',
					birthDate: '',
					gender: 'not-stated',
					addresses: [],
					defaultAddressId: null,
					cards: [],
					consents: {},
					tags: [],
					notes: '',
					storeId: '',
					registeredAt: new Date().toISOString()
				});
				if (r.ok && r.id) made.push(r.id);
				await new Promise((done) => setTimeout(done, 40));
			}
			return made;
		});
		await expect.poll(async () => (await ids(pb)).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(8);
		await relay.kill();
		// What B holds now, it can only have received from the relay: the relay had stored it.
		const seenByBBeforeKill = await ids(pb);
		const made = await creating;
		expect(made).toHaveLength(40);
		await expect.poll(async () => (await state(pa)).state).not.toBe('online');
		expect((await state(pa)).pending).toBeGreaterThan(0);

		relay = await startRelay({ staticDir: resolve('build'), dataDir, port });
		// Both catch up by themselves: A sends what the relay never got, B receives it.
		await expect.poll(async () => (await ids(pb)).length, { timeout: 60_000 }).toBe(40);
		await expect.poll(async () => (await state(pa)).pending, { timeout: 30_000 }).toBe(0);
		expect(new Set(await ids(pb))).toEqual(new Set(made));

		// The relay's own copy survived the kill: with A and B gone, a new tablet gets everything,
		// including all that B had seen before the kill.
		await a.close();
		await b.close();
		await openTablet(pc, relay.url);
		await pc.evaluate((code) => (globalThis as W).shopCrmSync.pair({ code, deviceName: 'Till C' }), codeC);
		await expect.poll(async () => (await ids(pc)).length, { timeout: 60_000 }).toBe(40);
		const onC = new Set(await ids(pc));
		for (const id of seenByBBeforeKill) expect(onC.has(id)).toBe(true);
		await c.close();
	} finally {
		await relay.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
});
