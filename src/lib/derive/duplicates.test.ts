// The duplicate finder's keys are derived when the finder runs, from the ids each flush queued:
// what it answers follows every create, edit, delete and merge made since its last run.
import { describe, expect, it } from 'vitest';
import { ShopDB } from '$lib/store/schema';
import { DocStore } from '$lib/store/docstore';
import { allProjections } from '$lib/projections';
import { DexieCustomerService } from '$lib/customers/service';
import { CustomerMergeService } from '$lib/merge/service';
import { emptyDraft, type CustomerDraft } from '$lib/domain/customer';
import { defaultChoices } from '$lib/domain/merge';
import { pairKey } from '$lib/domain/duplicates';
import { seededIds } from '$lib/domain/ids';
import { findDuplicates } from './duplicates';

const TODAY = '2026-11-23';
const NOW = '2026-11-23T10:00:00.000Z';

function shop() {
	const db = new ShopDB(`dupkeys-test-${Math.random()}`);
	const store = new DocStore(db, { projections: allProjections, channel: null });
	const customers = new DexieCustomerService(store, { validation: () => ({ defaultCountry: 'GB', today: TODAY }), now: () => NOW, newId: seededIds(7) });
	const merges = new CustomerMergeService(store, { now: () => NOW, by: () => 'Till 1' });
	return { db, store, customers, merges };
}

function draft(over: Partial<CustomerDraft>): CustomerDraft {
	return { ...emptyDraft(NOW), ...over };
}

async function create(s: ReturnType<typeof shop>, over: Partial<CustomerDraft>): Promise<string> {
	const r = await s.customers.create(draft(over));
	if (!r.ok) throw new Error(JSON.stringify(r.errors));
	return r.id;
}

const pairs = async (db: ShopDB) => (await findDuplicates(db)).pairs.map((p) => pairKey(p.a, p.b));

describe('duplicate-finder keys', () => {
	it('are queued by the flush (a row per batch, no keys row yet) and derived when the finder runs', async () => {
		const s = shop();
		const a = await create(s, { firstName: 'Sam', lastName: 'Hill', email: 'sam@example.com' });
		const b = await create(s, { firstName: 'Samuel', lastName: 'Hill', email: 'sam@example.com' });
		expect(await s.db.dupKeys.count()).toBe(0);
		expect((await s.db.dupKeysQueue.toArray()).flatMap((r) => r.ids).sort()).toEqual([a, b].sort());
		expect(await pairs(s.db)).toEqual([pairKey(a, b)]);
		expect(await s.db.dupKeysQueue.count()).toBe(0);
		expect(await s.db.dupKeys.count()).toBe(2);
		await s.store.close();
		s.db.close();
	});

	it('follow an edit, a deletion and a merge made after the last run; a deletion removes them at once', async () => {
		const s = shop();
		const a = await create(s, { firstName: 'Ann', lastName: 'Lee', email: 'ann@example.com' });
		const b = await create(s, { firstName: 'Anne', lastName: 'Lee', email: 'ann@example.com' });
		const c = await create(s, { firstName: 'Bob', lastName: 'Ray', phone: '+447700900123' });
		const d = await create(s, { firstName: 'Rob', lastName: 'Ray', phone: '+447700900123' });
		const e = await create(s, { firstName: 'Eve', lastName: 'Fox', email: 'eve@example.com' });
		const f = await create(s, { firstName: 'Evie', lastName: 'Fox', email: 'eve@example.com' });
		expect((await pairs(s.db)).sort()).toEqual([pairKey(a, b), pairKey(c, d), pairKey(e, f)].sort());

		// b gets another email and name: no longer a duplicate of a.
		const before = (await s.customers.get(b))!;
		const edited = await s.customers.update(b, { ...before, firstName: 'Zed', lastName: 'Zulu', email: 'zed@example.com' });
		expect(edited.ok).toBe(true);
		await s.customers.remove(d);
		// A deleted customer's keys (personal data) go with the record, before any finder runs.
		expect(await s.db.dupKeys.get(d)).toBeUndefined();
		expect(await s.db.dupKeys.get(c)).toBeDefined();
		const merged = await s.merges.merge(e, f, defaultChoices((await s.customers.get(e))!, (await s.customers.get(f))!));
		expect(merged.ok).toBe(true);

		expect(await pairs(s.db)).toEqual([]);
		// The deleted and the merged-away customer have no keys left.
		expect((await s.db.dupKeys.bulkGet([d, f])).map((r) => !!r)).toEqual([false, false]);
		expect(await s.db.dupKeysQueue.count()).toBe(0);
		await s.store.close();
		s.db.close();
	});
});
