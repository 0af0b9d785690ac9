// Benefits, coupons and the policy on fake-indexeddb: the replicated shapes (last writer wins per
// field between offline tablets, a deletion against an edit), records from a newer version kept and
// never applied, refusals that write nothing, and deleting a group its benefits depend on.
import { assert, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ShopDB } from '$lib/store/schema';
import { DocStore } from '$lib/store/docstore';
import { allProjections, DERIVE_KINDS } from '$lib/projections';
import { BENEFITS_DOC, GROUPS_DOC } from '$lib/store/docnames';
import { DexieGroupService } from '$lib/groups/service';
import { DexieItemService } from '$lib/sales/service';
import { seededIds } from '$lib/domain/ids';
import { messageFor } from '$lib/domain/errors';
import type { GroupDraft } from '$lib/domain/groups/types';
import { BENEFIT_SCHEMA_VERSION, DEFAULT_POLICY, type CouponOutcome } from '$lib/domain/benefits/types';
import type { BenefitDraft, CouponDraft } from '$lib/domain/benefits/validate';
import type { Sale } from '$lib/domain/sales/types';
import { salesMap, writeSale } from '$lib/sales/yjs';
import { salesDocName } from '$lib/store/docnames';
import { DexieBenefitService, DRAFT_BENEFIT_ID } from './service';
import { benefitsMap, couponsMap, policyMap } from './yjs';

const START = '2026-11-23T10:00:00.000Z';
let n = 0;

function tablet(seed = ++n) {
	const name = `benefits-test-${seed}-${Math.random()}`;
	const db = new ShopDB(name);
	const store = new DocStore(db, { projections: allProjections, deriveKinds: DERIVE_KINDS, channel: null });
	const clock = { ms: Date.parse(START), today: '2026-11-23' };
	const now = () => new Date((clock.ms += 1000)).toISOString();
	const groups = new DexieGroupService(store, {
		now,
		today: () => clock.today,
		by: () => `Till ${seed}`,
		newId: seededIds(seed * 57),
		derivation: {
			preview: () => Promise.reject(new Error('not used')),
			explain: () => Promise.reject(new Error('not used')),
			rfmMovement: () => Promise.resolve(null)
		}
	});
	const benefits = new DexieBenefitService(store, { now, currency: () => 'GBP', newId: seededIds(seed * 91) });
	const items = new DexieItemService(store);
	return {
		db,
		store,
		clock,
		groups,
		benefits,
		items,
		async group(name: string) {
			const r = await groups.create(manual(name));
			assert(r.ok, `group ${name} refused`);
			return r.id;
		},
		async benefit(draft: BenefitDraft) {
			const r = await benefits.save(draft);
			assert(r.ok, `benefit refused: ${JSON.stringify(!r.ok && r.errors)}`);
			return r.id;
		},
		updates: () => db.yupdates.count()
	};
}
type Tablet = ReturnType<typeof tablet>;

async function sync(a: Tablet, b: Tablet, names = [GROUPS_DOC, BENEFITS_DOC]) {
	for (const name of names) {
		const [da, db] = [await a.store.open(name), await b.store.open(name)];
		await b.store.applyRemote(name, Y.encodeStateAsUpdate(da, Y.encodeStateVector(db)));
		await a.store.applyRemote(name, Y.encodeStateAsUpdate(db, Y.encodeStateVector(da)));
	}
}

function manual(name: string): GroupDraft {
	return { name, description: '', tags: [], vip: false, discountPct: null, loyaltyEnabled: false, appAccess: false, type: 'manual' };
}

function coupon(over: Partial<CouponDraft> = {}): CouponDraft {
	return { code: 'spring-26', value: { kind: 'pct', pct: 10 }, validFrom: '2026-03-01', validTo: '2026-03-31', usesPerCustomer: 1, groups: [], ...over };
}

describe('benefits', () => {
	it('saves, lists by group (levels included) and deletes', async () => {
		const t = tablet();
		const gold = await t.group('Gold');
		const other = await t.group('Other');
		const id = await t.benefit({ target: gold, kind: 'discount', pct: 7 });
		await t.benefit({ target: other, kind: 'vip' });
		const listed = await t.benefits.ofGroup(gold);
		expect(listed).toMatchObject([{ id, needsUpdate: false, target: gold, value: { kind: 'discount', pct: 7, version: BENEFIT_SCHEMA_VERSION } }]);
		expect((await t.benefits.snapshot()).benefits.map((b) => b.id).sort()).toHaveLength(2);

		const switched = await t.benefits.save({ target: gold, kind: 'pointsMultiplier', factor: 1.5 }, id);
		assert(switched.ok, 'kind change refused');
		const [after] = await t.benefits.ofGroup(gold);
		// The old kind's field is not carried into the new kind.
		expect(after.value).toEqual(expect.objectContaining({ kind: 'pointsMultiplier', factor: 1.5 }));
		expect(after.value).not.toHaveProperty('pct');

		expect(await t.benefits.remove(id)).toEqual({ ok: true, id });
		expect(await t.benefits.ofGroup(gold)).toEqual([]);
		expect((await t.benefits.snapshot()).benefits).toHaveLength(1);
		const gone = await t.benefits.remove(id);
		assert(!gone.ok, 'a deleted benefit was deleted again');
		expect(gone.errors[0].code).toBe('benefit-gone');
	});

	it('refuses a bad benefit at its field and writes nothing', async () => {
		const t = tablet();
		const gold = await t.group('Gold');
		const before = await t.updates();
		const over = await t.benefits.save({ target: gold, kind: 'discount', pct: 120 });
		assert(!over.ok, 'a discount over 100 % was accepted');
		expect(over.errors).toEqual([{ field: 'pct', code: 'benefit-pct-invalid' }]);
		const unknown = await t.benefits.save({ target: gold, kind: 'priceBook', name: 'Members', entries: [{ match: { kind: 'item', itemId: 'nope' }, price: { kind: 'fixed', amount: 100 } }] });
		assert(!unknown.ok, 'an unknown item was accepted');
		expect(unknown.errors[0]).toMatchObject({ field: 'entries.0.match', code: 'benefit-item-unknown' });
		const zero = await t.benefits.save({ target: 'no-such-group', kind: 'pointsMultiplier', factor: 0 });
		assert(!zero.ok, 'a multiplier of 0 was accepted');
		expect(zero.errors.map((e) => e.field).sort()).toEqual(['factor', 'target']);
		expect(await t.updates()).toBe(before);
		expect(await t.db.benefits.count()).toBe(0);
	});

	it('check shows the overlap a draft would create and who would win, writing nothing', async () => {
		const t = tablet();
		const gold = await t.group('Gold');
		const id = await t.benefit({ target: gold, kind: 'discount', pct: 7 });
		const before = await t.updates();
		const check = await t.benefits.check({ target: gold, kind: 'discount', pct: 10 });
		expect(check.errors).toEqual([]);
		expect(check.overlaps).toHaveLength(1);
		expect(check.overlaps[0]).toMatchObject({ kind: 'two-discounts', benefitIds: expect.arrayContaining([id, DRAFT_BENEFIT_ID]) });
		// Editing the benefit itself is no overlap with its old self.
		expect((await t.benefits.check({ target: gold, kind: 'discount', pct: 10 }, id)).overlaps).toEqual([]);
		expect(await t.updates()).toBe(before);
	});

	it('two tablets editing different fields of one benefit offline both keep their edit', async () => {
		const a = tablet();
		const b = tablet();
		const gold = await a.group('Gold');
		const silver = await a.group('Silver');
		const id = await a.benefit({ target: gold, kind: 'redemptionLimit', points: 500, period: 'week' });
		await sync(a, b);
		const pointsEdit = await a.benefits.save({ target: gold, kind: 'redemptionLimit', points: 800, period: 'week' }, id);
		const periodEdit = await b.benefits.save({ target: silver, kind: 'redemptionLimit', points: 500, period: 'month' }, id);
		assert(pointsEdit.ok && periodEdit.ok, 'an edit was refused');
		await sync(a, b);
		for (const t of [a, b]) {
			const [row] = await t.benefits.ofGroup(silver);
			expect(row?.value).toMatchObject({ points: 800, period: 'month', target: silver });
		}
	});

	it('two tablets editing the same field: the later edit by the clocks wins, whichever syncs first', async () => {
		for (const laterOn of ['a', 'b'] as const) {
			const a = tablet();
			const b = tablet();
			const gold = await a.group('Gold');
			const id = await a.benefit({ target: gold, kind: 'discount', pct: 5 });
			await sync(a, b);
			// Both clocks start at START; the later tablet's clock runs a minute ahead.
			(laterOn === 'a' ? a : b).clock.ms += 60_000;
			assert((await a.benefits.save({ target: gold, kind: 'discount', pct: 7 }, id)).ok, 'refused');
			assert((await b.benefits.save({ target: gold, kind: 'discount', pct: 9 }, id)).ok, 'refused');
			await sync(a, b);
			const want = laterOn === 'a' ? 7 : 9;
			for (const t of [a, b]) expect((await t.benefits.ofGroup(gold))[0].value).toMatchObject({ pct: want });
			// An edit made after seeing both wins even from the tablet whose clock is behind, and
			// leaves one key for the field.
			assert((await a.benefits.save({ target: gold, kind: 'discount', pct: 8 }, id)).ok, 'refused');
			expect((await a.benefits.ofGroup(gold))[0].value).toMatchObject({ pct: 8 });
			const keys = [...benefitsMap(await a.store.open(BENEFITS_DOC)).keys()].filter((k) => k.startsWith(`${id}/pct`));
			expect(keys).toHaveLength(1);
		}
	});

	it('a deletion wins over a concurrent edit, and the late edit is cleared by the next write', async () => {
		const a = tablet();
		const b = tablet();
		const gold = await a.group('Gold');
		const id = await a.benefit({ target: gold, kind: 'discount', pct: 5 });
		await sync(a, b);
		assert((await a.benefits.remove(id)).ok, 'delete refused');
		b.clock.ms += 60_000;
		assert((await b.benefits.save({ target: gold, kind: 'discount', pct: 9 }, id)).ok, 'edit refused');
		await sync(a, b);
		for (const t of [a, b]) {
			expect(await t.benefits.ofGroup(gold)).toEqual([]);
			expect(await t.db.benefits.count()).toBe(0);
		}
		const late = await b.benefits.save({ target: gold, kind: 'discount', pct: 3 }, id);
		assert(!late.ok, 'a deleted benefit was edited');
		expect(late.errors[0].code).toBe('benefit-gone');
		await a.benefit({ target: gold, kind: 'vip' });
		expect([...benefitsMap(await a.store.open(BENEFITS_DOC)).keys()].filter((k) => k.startsWith(`${id}/`))).toEqual([]);
	});

	it('a benefit from a newer version is kept for display, never applied, never edited', async () => {
		const t = tablet();
		const gold = await t.group('Gold');
		const future = { version: BENEFIT_SCHEMA_VERSION + 1, kind: 'birthdayGift', target: gold, gift: 'cake', createdAt: START };
		await t.store.transact([BENEFITS_DOC], (d) => benefitsMap(d.get(BENEFITS_DOC)!).set('b-future', future));
		const listed = await t.benefits.ofGroup(gold);
		expect(listed).toEqual([{ id: 'b-future', value: null, needsUpdate: true, target: gold }]);
		expect((await t.benefits.snapshot()).benefits).toEqual([]);
		const edit = await t.benefits.save({ target: gold, kind: 'vip' }, 'b-future');
		assert(!edit.ok, 'a newer-version benefit was edited');
		expect(edit.errors.map((e) => e.code)).toContain('benefit-needs-update');
		expect(benefitsMap(await t.store.open(BENEFITS_DOC)).get('b-future')).toEqual(future);
	});
});

describe('coupons', () => {
	it('saves with a normalised code, refuses a taken code and an end before the start, writing nothing', async () => {
		const t = tablet();
		const r = await t.benefits.saveCoupon(coupon());
		assert(r.ok, 'refused');
		const [stored] = await t.benefits.coupons();
		expect(stored.value).toMatchObject({ code: 'SPRING26', validFrom: '2026-03-01', usesPerCustomer: 1 });
		expect((await t.db.coupons.where('code').equals('SPRING26').count())).toBe(1);

		const before = await t.updates();
		const taken = await t.benefits.saveCoupon(coupon({ code: 'Spring 26' }));
		assert(!taken.ok, 'a taken code was accepted');
		expect(taken.errors).toMatchObject([{ field: 'code', code: 'coupon-code-taken' }]);
		const reversed = await t.benefits.saveCoupon(coupon({ code: 'AUTUMN', validFrom: '2026-10-31', validTo: '2026-10-01' }));
		assert(!reversed.ok, 'an end before the start was accepted');
		expect(reversed.errors).toEqual([{ field: 'validTo', code: 'date-range-reversed' }]);
		expect(await t.updates()).toBe(before);
		expect(await t.db.coupons.count()).toBe(1);

		const edited = await t.benefits.saveCoupon(coupon({ validTo: '2026-04-30' }), r.id);
		assert(edited.ok, 'its own code counted as taken');
		expect((await t.benefits.coupons())[0].value?.validTo).toBe('2026-04-30');
		assert((await t.benefits.removeCoupon(r.id)).ok, 'delete refused');
		expect(await t.benefits.coupons()).toEqual([]);
	});

	it('counts a customer’s uses from the coupon outcomes stored on their sales, and gives their redemption history', async () => {
		const t = tablet();
		const r = await t.benefits.saveCoupon(coupon());
		assert(r.ok, 'refused');
		const used: CouponOutcome = { code: 'SPRING26', couponId: r.id, applied: true, off: 120, why: null };
		const skipped: CouponOutcome = { ...used, applied: false, off: 0, why: 'not valid for this group' };
		await sell(t, sale('s1', 'c1', '2026-03-02T10:00:00.000Z', { coupons: [used], pointsRedeemed: 200 }));
		await sell(t, sale('s2', 'c1', '2026-03-03T10:00:00.000Z', { coupons: [skipped] }));
		await sell(t, sale('s3', 'c1', '2026-03-04T10:00:00.000Z', {})); // before issue 9: no field
		await sell(t, sale('s4', 'c2', '2026-03-04T10:00:00.000Z', { coupons: [used] }));
		await sell(t, sale('r1', 'c1', '2026-03-05T10:00:00.000Z', { coupons: [used], pointsRedeemed: -200, refundOf: 's1' }));
		expect(await t.benefits.couponUses('c1')).toEqual({ [r.id]: 1 });
		const history = (await t.benefits.redemptionHistory('c1')).sort((x, y) => x.at.localeCompare(y.at));
		expect(history.map((h) => [h.id, h.pointsRedeemed, h.refundOf])).toEqual([
			['s1', 200, null],
			['s2', 0, null],
			['s3', 0, null],
			['r1', -200, 's1']
		]);
	});
});

describe('policy', () => {
	it('defaults to best price, refuses a priority list that misses a group, saves a full one', async () => {
		const t = tablet();
		expect(await t.benefits.policy()).toEqual({ policy: DEFAULT_POLICY, needsUpdate: false });
		const gold = await t.group('Gold');
		const staff = await t.group('Staff');
		await t.benefit({ target: gold, kind: 'discount', pct: 7 });
		await t.benefit({ target: staff, kind: 'discount', pct: 20 });
		const before = await t.updates();
		const missing = await t.benefits.savePolicy({ version: BENEFIT_SCHEMA_VERSION, kind: 'priority', order: [gold] });
		assert(!missing.ok, 'a priority list missing a group was accepted');
		expect(missing.errors).toEqual([{ field: 'order', code: 'policy-priority-missing', params: { group: 'Staff' } }]);
		expect(messageFor(missing.errors[0])).toContain('Staff');
		expect(await t.updates()).toBe(before);

		const ok = await t.benefits.savePolicy({ version: BENEFIT_SCHEMA_VERSION, kind: 'priority', order: [staff, gold] });
		assert(ok.ok, 'refused');
		expect(await t.benefits.policy()).toEqual({ policy: { version: BENEFIT_SCHEMA_VERSION, kind: 'priority', order: [staff, gold] }, needsUpdate: false });
		expect((await t.benefits.snapshot()).policy).toMatchObject({ kind: 'priority' });
	});

	it('the later of two offline policy choices wins whole; a newer-version policy is shown as needing an update and the till uses best price', async () => {
		const a = tablet();
		const b = tablet();
		assert((await a.benefits.savePolicy({ version: BENEFIT_SCHEMA_VERSION, kind: 'stack' })).ok, 'refused');
		b.clock.ms += 60_000;
		assert((await b.benefits.savePolicy({ version: BENEFIT_SCHEMA_VERSION, kind: 'newest-group' })).ok, 'refused');
		await sync(a, b, [BENEFITS_DOC]);
		for (const t of [a, b]) expect((await t.benefits.policy()).policy.kind).toBe('newest-group');

		a.clock.ms += 600_000;
		await a.store.transact([BENEFITS_DOC], (d) =>
			policyMap(d.get(BENEFITS_DOC)!).set('policy/policy/9999', { v: { version: BENEFIT_SCHEMA_VERSION + 1, kind: 'cheapest-first' }, at: new Date(a.clock.ms).toISOString() })
		);
		expect(await a.benefits.policy()).toEqual({ policy: DEFAULT_POLICY, needsUpdate: true });
		expect(await a.benefits.snapshot()).toMatchObject({ policy: DEFAULT_POLICY, policyNeedsUpdate: true });
		const refused = await a.benefits.savePolicy({ version: BENEFIT_SCHEMA_VERSION, kind: 'stack' });
		assert(!refused.ok, 'a newer policy was overwritten');
		expect(refused.errors[0].code).toBe('policy-needs-update');
	});
});

describe('deleting a group benefits depend on', () => {
	it('is refused with a message, writing nothing', async () => {
		const t = tablet();
		const gold = await t.group('Gold');
		await t.benefit({ target: gold, kind: 'discount', pct: 7 });
		const before = await t.updates();
		const r = await t.groups.remove(gold);
		assert(!r.ok, 'a group with a benefit was deleted');
		expect(r.errors).toEqual([{ field: 'id', code: 'benefit-group-in-use', params: { group: 'Gold', count: '1' } }]);
		expect(messageFor(r.errors[0])).toContain('Gold');
		expect(await t.updates()).toBe(before);
		expect(await t.groups.get(gold)).toBeDefined();
	});

	it('with removeDependents: its benefits go, coupons lose its key, and a coupon left without groups is closed', async () => {
		const t = tablet();
		const gold = await t.group('Gold');
		const staff = await t.group('Staff');
		await t.benefit({ target: gold, kind: 'discount', pct: 7 });
		const kept = await t.benefit({ target: staff, kind: 'vip' });
		const shared = await t.benefits.saveCoupon(coupon({ code: 'BOTH', groups: [gold, staff], validTo: '2026-12-31' }));
		const only = await t.benefits.saveCoupon(coupon({ code: 'GOLDONLY', groups: [gold], validFrom: '2026-12-01', validTo: '2026-12-31' }));
		const everyone = await t.benefits.saveCoupon(coupon({ code: 'EVERYONE', groups: [] }));
		assert(shared.ok && only.ok && everyone.ok, 'a coupon was refused');
		const deps = await t.benefits.dependentsOf(gold);
		expect(deps.benefits).toHaveLength(1);
		expect(deps.coupons.map((c) => c.code).sort()).toEqual(['BOTH', 'GOLDONLY']);

		const refused = await t.groups.remove(gold);
		assert(!refused.ok, 'deleted without saying so');
		expect(refused.errors[0].params?.count).toBe('3');

		const flushes = await t.updates();
		const r = await t.groups.remove(gold, { removeDependents: true });
		assert(r.ok, 'refused with removeDependents');
		// One flush wrote both documents.
		expect((await t.db.yupdates.toArray()).slice(flushes).map((u) => u.doc).sort()).toEqual([BENEFITS_DOC, GROUPS_DOC]);
		expect(await t.groups.get(gold)).toBeUndefined();
		expect(await t.benefits.ofGroup(gold)).toEqual([]);
		expect((await t.benefits.ofGroup(staff)).map((b) => b.id)).toEqual([kept]);
		const byCode = new Map((await t.benefits.coupons()).map((c) => [c.value!.code, c.value!]));
		expect(byCode.get('BOTH')).toMatchObject({ groups: [staff], validTo: '2026-12-31' });
		// Closed yesterday in the shop's zone, never opened to everyone.
		expect(byCode.get('GOLDONLY')).toMatchObject({ groups: [], validFrom: '2026-11-22', validTo: '2026-11-22' });
		expect(byCode.get('EVERYONE')).toMatchObject({ groups: [], validTo: '2026-03-31' });
		expect(couponsMap(await t.store.open(BENEFITS_DOC)).size).toBeGreaterThan(0);
	});
});

describe('deleting a group named in the priority order', () => {
	it('takes it out of the order in the same write, so the policy still saves', async () => {
		const t = tablet();
		const gold = await t.group('Gold');
		const staff = await t.group('Staff');
		const plain = await t.group('Plain');
		await t.benefit({ target: staff, kind: 'discount', pct: 20 });
		assert((await t.benefits.savePolicy({ version: BENEFIT_SCHEMA_VERSION, kind: 'priority', order: [plain, staff, gold] })).ok, 'refused');
		const r = await t.groups.remove(plain);
		assert(r.ok, 'a group without benefits was refused');
		expect((await t.benefits.policy()).policy).toEqual({ version: BENEFIT_SCHEMA_VERSION, kind: 'priority', order: [staff, gold] });
		assert((await t.benefits.savePolicy((await t.benefits.policy()).policy)).ok, 'the order left by the deletion was refused');
	});
});

async function sell(t: Tablet, s: Sale) {
	const doc = salesDocName(s);
	await t.store.transact([doc], (d) => writeSale(salesMap(d.get(doc)!), s));
}

function sale(id: string, customerId: string, at: string, over: { coupons?: CouponOutcome[]; pointsRedeemed?: number; refundOf?: string }): Sale {
	const line = {
		itemId: 'i1', sku: 'MUG', name: 'Mug', brand: 'Acme', category: 'Kitchen', variant: '', qty: 1,
		unitPrice: 1200, unitCost: 600, discount: 0, discountReason: '', pointsRedeemed: 0, pointsValue: 0
	};
	const s: Sale & { coupons?: CouponOutcome[] } = {
		id, receiptNo: `R-${id}`, at, storeId: 'main', deviceId: 'd', deviceName: 'Till', cashier: 'Ann', customerId, lines: [line],
		payments: [], subtotal: 1200, discountTotal: 0, pointsValue: 0, total: 1200, change: 0, pointsRedeemed: over.pointsRedeemed ?? 0,
		pointsEarned: 0, refundOf: over.refundOf ?? null, currency: 'GBP'
	};
	if (over.coupons) s.coupons = over.coupons;
	return s;
}
