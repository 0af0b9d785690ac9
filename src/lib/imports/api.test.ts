import { describe, expect, it } from 'vitest';
import { PROBLEMS_SHOWN, createImportApi, type PhaseProgress } from './api';
import { ShopDB } from '$lib/store/schema';
import { DocStore, type ChangeSet } from '$lib/store/docstore';
import { customersProjection } from '$lib/customers/projection';
import { allCustomerDocNames, customerDocName } from '$lib/store/docnames';
import { consentEventsByCustomer, customersMap, readCustomer } from '$lib/customers/yjs';
import { customersToCsv, autoMap } from '$lib/domain/customer-csv';
import { autoMapSales } from '$lib/domain/sales/sales-csv';
import { generateCustomers, DEMO_STORES } from '$lib/domain/demo';
import type { Customer } from '$lib/domain/customer';
import { DexieCustomerService } from '$lib/customers/service';

const NOW = '2026-11-23T10:00:00.000Z';
const ctx = { defaultCountry: 'GB', today: '2026-11-23', now: NOW, stores: DEMO_STORES, recordedBy: 'Test' };

function customersFile(count: number, extra = ''): Blob {
	const drafts = generateCustomers({ seed: 7, count, now: NOW, stores: DEMO_STORES, recordedBy: 'Test' });
	const customers = drafts.map((d, i) => ({ ...d, id: `c${i}`, createdAt: NOW, updatedAt: NOW }) as unknown as Customer);
	return new Blob([customersToCsv(customers, DEMO_STORES, 'GB') + extra]);
}

async function scanned(api: ReturnType<typeof createImportApi>, file: Blob) {
	const scan = await api.scan(file, 'customers');
	if (!scan.ok) throw new Error(`the scan refused the file: ${scan.message}`);
	return scan.info;
}

describe('the import worker API (called directly, as the worker exposes it)', () => {
	it('checks and writes a customer file, reporting each phase', async () => {
		const api = createImportApi({ channel: null });
		const dbName = `imports-${Math.random()}`;
		const phases = new Set<string>();
		const onProgress = (p: PhaseProgress) => phases.add(p.phase);
		const file = customersFile(300, 'Nobody,,not-an-email,,,,,,,,,,,,,,,,,\r\n');
		const scan = await api.scan(file, 'customers', onProgress);
		expect(scan.ok).toBe(true);
		if (!scan.ok) return;
		expect(scan.info.rowCount).toBe(301);
		const check = await api.checkCustomers(file, scan.info, autoMap(scan.info.headers), ctx, { dbName }, onProgress);
		expect(check.ready).toBe(300);
		expect(check.preview).toHaveLength(50);
		expect(check.invalidRowCount).toBe(1);
		expect(check.problems[0]).toMatchObject({ rowNumber: 302, code: 'email-invalid' });

		const outcome = await api.writeCustomers(dbName, onProgress);
		expect(outcome).toEqual({ imported: 300, updated: 0, unchanged: 0, refused: [], cancelled: false });
		expect([...phases]).toEqual(['reading', 'checking', 'writing']);
		const db = new ShopDB(dbName);
		expect(await db.customers.count()).toBe(300);
		expect(await db.outbox.count()).toBeGreaterThan(0);
		db.close();
		await api.close();
	});

	it('a cancel stops between chunks: whole chunks are written, never half a row', async () => {
		const CHUNK = 300;
		const api = createImportApi({ channel: null, chunk: CHUNK });
		const dbName = `imports-cancel-${Math.random()}`;
		const file = customersFile(3 * CHUNK + 50);
		const info = await scanned(api, file);
		await api.checkCustomers(file, info, autoMap(info.headers), ctx, { dbName });
		const outcome = await api.writeCustomers(dbName, (p) => {
			if (p.done > 0) api.cancel();
		});
		expect(outcome.cancelled).toBe(true);
		// The first chunk reported, the one in flight beside it finished, nothing after.
		expect(outcome.imported).toBe(2 * CHUNK);
		const db = new ShopDB(dbName);
		expect(await db.customers.count()).toBe(2 * CHUNK);
		db.close();
		await api.close();
	});

	it('writes nothing without a check, and a cancelled check leaves nothing to write', async () => {
		const api = createImportApi({ channel: null });
		await expect(api.writeCustomers(`imports-none-${Math.random()}`)).rejects.toThrow(/check the file first/);
		const file = customersFile(50);
		const info = await scanned(api, file);
		const checking = api.checkCustomers(file, info, autoMap(info.headers), ctx, { dbName: `imports-check-${Math.random()}` });
		api.cancel();
		await expect(checking).rejects.toMatchObject({ name: 'AbortError' });
		await expect(api.writeCustomers(`imports-none-${Math.random()}`)).rejects.toThrow(/check the file first/);
		await api.close();
	});

	it('sends the page the first problems only; the download has them all', async () => {
		const api = createImportApi({ channel: null });
		const lines = ['First name,Email'];
		for (let i = 0; i < PROBLEMS_SHOWN + 200; i++) lines.push(`Ann${i},not-an-email-${i}`);
		const file = new Blob([lines.join('\n')]);
		const info = await scanned(api, file);
		const check = await api.checkCustomers(file, info, autoMap(info.headers), ctx, { dbName: `imports-check-${Math.random()}` });
		expect(check.ready).toBe(0);
		expect(check.problems).toHaveLength(PROBLEMS_SHOWN);
		expect(check.problemCount).toBe(PROBLEMS_SHOWN + 200);
		const csv = (await api.problemsCsv()).trim().split('\r\n');
		expect(csv).toHaveLength(1 + PROBLEMS_SHOWN + 200);
		expect(csv.at(-1)).toMatch(/^1201,Email,not-an-email-1199,/);
		await api.close();
	});

	it('the page hears of what the worker writes: changes, outbox, and its loaded documents', async () => {
		const dbName = `imports-page-${Math.random()}`;
		const channel = `docs-${Math.random()}`;
		const page = new DocStore(new ShopDB(dbName), { projections: [customersProjection], channel });
		const bucket = allCustomerDocNames()[0];
		const loaded = await page.open(bucket);
		const changes: ChangeSet[] = [];
		let outbox = 0;
		page.subscribe((c) => changes.push(c));
		page.onOutbox(() => outbox++);

		const api = createImportApi({ channel });
		const file = customersFile(300);
		const info = await scanned(api, file);
		await api.checkCustomers(file, info, autoMap(info.headers), ctx, { dbName });
		expect((await api.writeCustomers(dbName)).imported).toBe(300);

		const announced = () => changes.flatMap((c) => c.customers ?? []);
		await expect.poll(() => announced().length).toBe(300);
		expect(outbox).toBe(1);
		const inBucket = announced().filter((id) => customerDocName(id) === bucket);
		expect(inBucket.length).toBeGreaterThan(0);
		const live = () => inBucket.filter((id) => readCustomer(customersMap(loaded), id).kind === 'live').length;
		await expect.poll(live).toBe(inBucket.length);
		await api.close();
		await page.close();
	});

	it('matches before it creates: the same Shopify file twice gives no new customer and changes nothing the second time', async () => {
		const dbName = `imports-match-${Math.random()}`;
		const header = 'First Name,Last Name,Email,Accepts Email Marketing,Address1,City,Zip,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Tags,Note';
		const lines = [header];
		for (let i = 0; i < 60; i++) {
			lines.push(`Ann${i},Archer,ann${i}@example.com,yes,${i} High St,Leeds,LS1 1AA,07700 900${String(i).padStart(3, '0')},no,"${i},234.50",${i},vip,Note ${i}`);
		}
		const file = new File([lines.join('\n')], 'shopify.csv');
		const run = async (f: Blob, match?: { order: ('card' | 'email' | 'phone')[]; mode: 'empty' | 'overwrite' | 'skip' }) => {
			const api = createImportApi({ channel: null, chunk: 25 });
			const info = await scanned(api, f);
			const check = await api.checkCustomers(f, info, autoMap(info.headers), ctx, { dbName, match });
			const outcome = await api.writeCustomers(dbName);
			await api.close();
			return { check, outcome };
		};
		const first = await run(file);
		expect(first.check.counts).toEqual({ new: 60, update: 0, unchanged: 0, problems: 0 });
		expect(first.outcome).toMatchObject({ imported: 60, updated: 0 });
		const db = new ShopDB(dbName);
		expect(await db.openingBalances.count()).toBe(60);
		const o = (await db.openingBalances.toArray()).find((x) => x.spend === 123_450)!;
		expect(o).toMatchObject({ orders: 1, points: 0, lastOrderDate: '', source: 'import shopify.csv' });

		// The consents the file gives are in each customer's consent history: when, from the import, by whom.
		const ann0 = (await db.customers.where('k').equals('e:ann0@example.com').toArray())[0];
		const historyOf = async (id: string) => {
			const store = new DocStore(new ShopDB(dbName), { projections: [customersProjection], channel: null });
			const doc = await store.open(customerDocName(id));
			const events = consentEventsByCustomer(doc, new Set([id])).get(id) ?? [];
			await store.close();
			return events.map(({ channel, status, source, by, date }) => ({ channel, status, source, by, date })).sort((a, b) => a.channel.localeCompare(b.channel));
		};
		expect(await historyOf(ann0.id)).toEqual([
			{ channel: 'email', status: 'granted', source: 'import', by: 'Test', date: NOW },
			{ channel: 'sms', status: 'withdrawn', source: 'import', by: 'Test', date: NOW }
		]);

		const second = await run(file);
		expect(second.check.counts).toEqual({ new: 0, update: 0, unchanged: 60, problems: 0 });
		expect(second.check.ready).toBe(0);
		expect(second.outcome).toMatchObject({ imported: 0, updated: 0 });
		expect(await db.customers.count()).toBe(60);

		// One row changed in the shop's spreadsheet: overwrite updates that customer alone, per field.
		const edited = new File([lines.join('\n').replace('Note 7', 'Now prefers green')], 'shopify.csv');
		const third = await run(edited, { order: ['email', 'phone', 'card'], mode: 'overwrite' });
		expect(third.check.counts).toEqual({ new: 0, update: 1, unchanged: 59, problems: 0 });
		expect(third.check.preview).toEqual([expect.objectContaining({ rowNumber: 9, status: 'update', match: expect.objectContaining({ by: 'email', name: 'Ann7 Archer' }), changes: ['Notes'] })]);
		expect(third.outcome).toMatchObject({ imported: 0, updated: 1, unchanged: 0, refused: [] });
		const ann7 = (await db.customers.where('k').equals('e:ann7@example.com').toArray())[0];
		expect(ann7.notes).toBe('Now prefers green');
		expect(await db.customers.count()).toBe(60);
		// A consent the updated file withdraws is one more line of the history; the rest is as it was.
		const withdrawn = new File([lines.join('\n').replace('ann7@example.com,yes', 'ann7@example.com,no')], 'shopify.csv');
		const fourth = await run(withdrawn, { order: ['email', 'phone', 'card'], mode: 'overwrite' });
		expect(fourth.outcome).toMatchObject({ updated: 1, refused: [] });
		const ann7History = await historyOf(ann7.id);
		expect(ann7History).toHaveLength(3);
		expect(ann7History.filter((e) => e.channel === 'email').map((e) => e.status).sort()).toEqual(['granted', 'withdrawn']);
		expect((await db.customers.get(ann7.id))!.consents.email?.status).toBe('withdrawn');
		expect(await historyOf(ann0.id)).toHaveLength(2);
		db.close();
	});

	it('updates write per field in whole chunks: a customer deleted since the preview is refused, a cancel stops between chunks', async () => {
		const dbName = `imports-update-${Math.random()}`;
		const lines = ['First name,Email,Note'];
		for (let i = 0; i < 60; i++) lines.push(`Bo${i},bo${i}@example.com,Note one ${i}`);
		const first = new File([lines.join('\n')], 'a.csv');
		const second = new File([lines.join('\n').replace(/Note one /g, 'Note two ')], 'a.csv');
		const api = createImportApi({ channel: null, chunk: 25 });
		const overwrite = { order: ['email' as const], mode: 'overwrite' as const };
		let info = await scanned(api, first);
		await api.checkCustomers(first, info, autoMap(info.headers), ctx, { dbName });
		expect((await api.writeCustomers(dbName)).imported).toBe(60);

		info = await scanned(api, second);
		expect((await api.checkCustomers(second, info, autoMap(info.headers), ctx, { dbName, match: overwrite })).counts).toEqual({ new: 0, update: 60, unchanged: 0, problems: 0 });
		// Another tab deletes one of them before the owner presses Import.
		const page = new DocStore(new ShopDB(dbName), { projections: [customersProjection], channel: null });
		const db = page.db;
		const bo3 = (await db.customers.where('k').equals('e:bo3@example.com').first())!;
		const service = new DexieCustomerService(page, { validation: () => ({ defaultCountry: 'GB', today: '2026-11-23' }), now: () => NOW });
		await service.remove(bo3.id);
		const outcome = await api.writeCustomers(dbName);
		expect(outcome).toMatchObject({ imported: 0, updated: 59, cancelled: false });
		expect(outcome.refused).toEqual([{ rowNumber: 5, errors: [expect.objectContaining({ code: 'import-match-gone' })] }]);
		expect((await db.customers.toArray()).filter((c) => c.notes.startsWith('Note two')).length).toBe(59);

		// A third version, cancelled once the first chunk is on disk: whole chunks only.
		const third = new File([lines.join('\n').replace(/Note one /g, 'Note three ')], 'a.csv');
		info = await scanned(api, third);
		// The deleted customer's row is a new customer now; the other 59 are updates.
		expect((await api.checkCustomers(third, info, autoMap(info.headers), ctx, { dbName, match: overwrite })).counts).toMatchObject({ new: 1, update: 59 });
		const cancelled = await api.writeCustomers(dbName, (p) => {
			if (p.done > 1) api.cancel();
		});
		// The first chunk of updates, and the one already being written when the cancel came (one is
		// in flight beside the one landing, as for new rows); nothing of the third.
		expect(cancelled).toMatchObject({ cancelled: true, imported: 1, updated: 50 });
		expect((await db.customers.toArray()).filter((c) => c.notes.startsWith('Note three')).length).toBe(51);
		await page.close();
		db.close();
		await api.close();
	});

	it('the sales import leaves out the sales an opening balance already counts', async () => {
		const dbName = `imports-covered-${Math.random()}`;
		const api = createImportApi({ channel: null });
		const customers = new File(['First name,Email,Total Spent,Total Orders,Last order date\nAnn,ann@example.com,100.00,3,2026-06-30\nBen,ben@example.com,,,\n'], 'old-shop.csv');
		let info = await scanned(api, customers);
		await api.checkCustomers(customers, info, autoMap(info.headers), ctx, { dbName });
		expect(await api.writeCustomers(dbName)).toMatchObject({ imported: 2 });

		const sales = new Blob(['Receipt,Date,Email,Item,Qty,Price\n1,2026-06-30,ann@example.com,Mug,1,5.00\n2,2026-07-01,ann@example.com,Mug,1,5.00\n3,2026-06-01,ben@example.com,Mug,1,5.00\n']);
		const scan = await api.scan(sales, 'sale lines');
		if (!scan.ok) throw new Error(scan.message);
		const salesCtx = { existingReceiptNos: new Set<string>(), itemsBySku: new Map(), defaultCountry: 'GB', timeZone: 'Europe/London', stores: DEMO_STORES, currency: 'GBP' };
		const check = await api.checkSales(sales, scan.info, autoMapSales(scan.info.headers), salesCtx, dbName);
		expect(check.covered.map((c) => [c.receiptNo, c.until])).toEqual([['1', '2026-06-30']]);
		expect(check.sales.map((x) => x.receiptNo).sort()).toEqual(['2', '3']);
		await api.close();
	});
});
