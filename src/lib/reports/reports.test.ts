// The group report and the campaign export over the real write path (DocStore, projections, the
// derive stage on fake-indexeddb): the figures equal the domain's from scratch, whatever the order,
// repeats and late tracking; a rebuild gives the same shop totals; the export is logged.
import { assert, describe, expect, it } from 'vitest';
import { ShopDB } from '$lib/store/schema';
import { DocStore } from '$lib/store/docstore';
import { allProjections, DERIVE_KINDS } from '$lib/projections';
import { salesDocName } from '$lib/store/docnames';
import { DexieCustomerService } from '$lib/customers/service';
import { DexieGroupService } from '$lib/groups/service';
import { salesMap, trackSale, writeSale } from '$lib/sales/yjs';
import { Deriver } from '$lib/derive/deriver';
import { emptyDraft, type Consent, type CustomerDraft } from '$lib/domain/customer';
import { seededIds } from '$lib/domain/ids';
import { computeStats, saleDay } from '$lib/domain/sales/stats';
import { addToShopDay, emptyShopDay, groupReport, type ShopDay } from '$lib/domain/reports/report';
import type { Sale, SaleLine } from '$lib/domain/sales/types';
import type { GroupDraft } from '$lib/domain/groups/types';
import { DexieReportService } from './service';
import { CAMPAIGNS_DOC, campaignsMap } from './yjs';

const TZ = 'Europe/London';
const START = '2026-03-01T10:00:00.000Z';
let n = 0;

function line(over: Partial<SaleLine> = {}): SaleLine {
	return {
		itemId: 'i1', sku: 'MUG', name: 'Mug', brand: 'Potters', category: 'Home', variant: '', qty: 1,
		unitPrice: 1000, unitCost: 400, discount: 0, discountReason: '', pointsRedeemed: 0, pointsValue: 0, ...over
	};
}

function sale(id: string, customerId: string | null, at: string, over: Partial<Sale> = {}): Sale {
	const lines = over.lines ?? [line()];
	const subtotal = lines.reduce((t, l) => t + l.unitPrice * l.qty, 0);
	return {
		id, receiptNo: `R-${id}`, at, storeId: 'main', deviceId: 'd', deviceName: 'Till', cashier: '', customerId, lines,
		payments: [], subtotal, discountTotal: 0, pointsValue: 0, total: subtotal, change: 0, pointsRedeemed: 0,
		pointsEarned: Math.floor(subtotal / 100), refundOf: null, currency: 'GBP', ...over
	};
}

function tablet() {
	const name = `reports-test-${++n}-${Math.random()}`;
	const db = new ShopDB(name);
	const store = new DocStore(db, { projections: allProjections, deriveKinds: DERIVE_KINDS, channel: null });
	const today = '2026-03-31';
	let ms = Date.parse(START);
	const now = () => new Date((ms += 1000)).toISOString();
	const deriver = new Deriver();
	const ctx = () => ({ today, timeZone: TZ, now: now() });
	const customers = new DexieCustomerService(store, {
		validation: () => ({ defaultCountry: 'GB', today, storeIds: ['main'] }),
		now,
		newId: seededIds(n * 31)
	});
	const groups = new DexieGroupService(store, {
		now,
		today: () => today,
		by: () => 'Till 1',
		newId: seededIds(n * 57),
		derivation: {
			preview: (rule, exclude) => deriver.preview(rule, exclude ?? null, ctx()),
			explain: (c, g) => deriver.explain(c, g, ctx()),
			rfmMovement: () => deriver.rfmMovement()
		}
	});
	const reports = new DexieReportService(store, {
		now,
		today: () => today,
		by: () => 'Till 1',
		newId: seededIds(n * 89),
		derivation: { report: (key, from, to) => deriver.report(key, from, to, ctx()) }
	});
	return {
		db,
		store,
		deriver,
		groups,
		reports,
		ctx,
		async open() {
			await deriver.open(name);
			await deriver.start(ctx());
		},
		drain: () => deriver.drain(ctx()),
		async customer(over: Partial<CustomerDraft> = {}) {
			const r = await customers.create({ ...emptyDraft(START, 'main'), firstName: 'Ann', lastName: `Lee ${++n}`, ...over });
			assert(r.ok, 'customer refused');
			return r.id;
		},
		async sell(...sales: Sale[]) {
			const docs = [...new Set(sales.map((s) => salesDocName(s)))];
			await store.transact(docs, (d) => {
				for (const s of sales) writeSale(salesMap(d.get(salesDocName(s))!), s);
			});
		},
		async track(s: Sale, customerId: string) {
			const doc = salesDocName(s);
			await store.transact([doc], (d) => trackSale(salesMap(d.get(doc)!), s.id, { customerId, at: s.at, by: 'Till' }));
		}
	};
}

const manual = (name: string): GroupDraft => ({ name, description: '', tags: [], vip: false, discountPct: null, loyaltyEnabled: false, appAccess: false, type: 'manual' });
const granted: Consent = { status: 'granted', date: START, source: 'till', recordedBy: 'Till 1' };

/** The shop's day totals from scratch, from every sale in the table. */
function shopDaysOf(sales: Sale[]): ShopDay[] {
	const days = new Map<string, ShopDay>();
	for (const s of sales) {
		const day = saleDay(s.at, TZ)!;
		days.set(day, addToShopDay(days.get(day) ?? emptyShopDay(day), s) ?? days.get(day)!);
	}
	return [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
}

describe('group report over the derive stage', () => {
	it('equals the report from scratch, counting re-sent and later-tracked sales once; a rebuild gives the same shop days', async () => {
		const t = tablet();
		await t.open();
		const ann = await t.customer({ email: 'ann@example.com', consents: { email: granted } });
		const bob = await t.customer();
		const cy = await t.customer();
		const g = await t.groups.create(manual('Regulars'));
		assert(g.ok, 'group refused');
		await t.groups.addMembers([g.id], [ann, bob]);
		const anon = sale('n1', null, '2026-03-05T12:00:00Z');
		const sales = [
			sale('a1', ann, '2026-03-02T10:00:00Z', { lines: [line({ qty: 2, brand: 'Acme', category: 'Garden' })] }),
			sale('a2', ann, '2026-03-20T10:00:00Z', { pointsRedeemed: 300, pointsValue: 300, total: 700, lines: [line({ pointsRedeemed: 300, pointsValue: 300 })] }),
			sale('r1', ann, '2026-03-21T10:00:00Z', { refundOf: 'a1', pointsEarned: -10, lines: [line({ qty: -1, brand: 'Acme', category: 'Garden' })] }),
			sale('b1', bob, '2026-02-27T10:00:00Z'),
			sale('c1', cy, '2026-03-10T10:00:00Z', { lines: [line({ unitPrice: 5000 })] }),
			// Stays anonymous: the shop's only (a rebuild finds it by the sales table's keys).
			sale('n2', null, '2026-03-06T12:00:00Z'),
			anon
		];
		await t.sell(...sales.slice(0, 3));
		await t.drain();
		// Re-sent (the same sales again) and the rest, in another order.
		await t.sell(...sales.slice().reverse());
		await t.drain();
		// The anonymous sale is tracked to Bob afterwards: counted for him, and still once for the shop.
		await t.track(anon, bob);
		await t.drain();

		const r = await t.reports.report(g.id, '2026-03-01', '2026-03-31');
		assert(r.ok, 'report refused');
		const all = await t.db.sales.toArray();
		const member = (id: string) => {
			const s = computeStats(id, all, [], '2026-03-31', TZ);
			return { days: s.days, spendBy: s.spendBy };
		};
		const expected = groupReport({ from: '2026-03-01', to: '2026-03-31', members: [member(ann), member(bob)], shopDays: shopDaysOf(all), moves: r.report.moves.events });
		expect(r.report).toEqual(expected);
		// By hand: Ann 2,000 + 700 − 1,000; Bob's tracked 1,000 (his February sale is outside the range).
		expect(r.report.group).toMatchObject({ sales: 2700, transactions: 3, pointsRedeemed: 300, margin: 1200 + 600 - 600 + 600 });
		expect(r.report.shop.sales).toBe(2700 + 5000 + 1000);
		// Mugs: 700 (after 300 in points) + Bob's tracked 1,000; Acme garden mugs: 2,000 − 1,000 refunded.
		expect(r.report.words).toEqual([
			{ kind: 'category', text: 'Home', amount: 1700 },
			{ kind: 'brand', text: 'Potters', amount: 1700 },
			{ kind: 'brand', text: 'Acme', amount: 1000 },
			{ kind: 'category', text: 'Garden', amount: 1000 }
		]);
		expect(r.report.moves.joined).toBe(2);
		expect(r.report.moves.events.map((e) => e.name).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^Ann Lee/)]));

		const before = await t.db.shopDays.orderBy('day').toArray();
		expect(before).toEqual(shopDaysOf(all));
		await t.deriver.rebuild(t.ctx(), 'requested');
		expect(await t.db.shopDays.orderBy('day').toArray()).toEqual(before);
		const again = await t.reports.report(g.id, '2026-03-01', '2026-03-31');
		assert(again.ok, 'report refused');
		expect(again.report.group).toEqual(r.report.group);
	});

	it('refuses a bad range at its field and computes nothing', async () => {
		const t = tablet();
		let asked = false;
		const reports = new DexieReportService(t.store, {
			now: () => START,
			today: () => '2026-03-31',
			by: () => 'Till 1',
			derivation: {
				report: () => {
					asked = true;
					throw new Error('not expected');
				}
			}
		});
		const r = await reports.report('all', '2026-03-31', '2026-03-01');
		assert(!r.ok, 'a reversed range was accepted');
		expect(r.errors).toEqual([{ field: 'to', code: 'date-range-reversed' }]);
		const empty = await reports.report('all', '', '');
		assert(!empty.ok, 'an empty range was accepted');
		expect(empty.errors.map((e) => e.field)).toEqual(['from', 'to']);
		expect(asked).toBe(false);
	});
});

describe('campaign export', () => {
	it('exports only members with consent and an address, says who was left out, and logs the export', async () => {
		const t = tablet();
		await t.open();
		const ann = await t.customer({ firstName: 'Ann', email: 'ann@example.com', consents: { email: granted } });
		const bob = await t.customer({ firstName: 'Bob', email: 'bob@example.com' });
		const cy = await t.customer({ firstName: 'Cy', email: 'cy@example.com', consents: { email: { ...granted, status: 'withdrawn' } } });
		const outsider = await t.customer({ firstName: 'Dee', email: 'dee@example.com', consents: { email: granted } });
		const g = await t.groups.create(manual('Newsletter'));
		assert(g.ok, 'group refused');
		await t.groups.addMembers([g.id], [ann, bob, cy]);
		await t.drain();

		const r = await t.reports.exportCampaign(g.id, 'email');
		assert(r.ok, 'export refused');
		expect(r.selection.rows.map((x) => x.contact)).toEqual(['ann@example.com']);
		expect(r.selection.leftOut).toEqual({ 'consent-withdrawn': 1, 'no-consent': 1, 'no-contact': 0 });
		expect(r.csv).toContain('ann@example.com');
		expect(r.csv).not.toContain('dee@example.com');
		expect(r.filename).toBe('newsletter-email-2026-03-31.csv');
		expect(outsider).toBeTruthy();

		const log = await t.reports.campaigns(g.id);
		expect(log).toEqual([r.record]);
		expect(log[0]).toMatchObject({ groupName: 'Newsletter', channel: 'email', included: 1, by: 'Till 1' });
		// Replicated: the record is in the Yjs document every tablet syncs.
		expect(campaignsMap(await t.store.open(CAMPAIGNS_DOC)).get(r.record.id)).toEqual(r.record);

		const bad = await t.reports.exportCampaign('no-such-group', 'sms');
		assert(!bad.ok, 'an unknown group was exported');
		expect(bad.errors[0].code).toBe('group-gone');
	});
});
