// Groups between tablets through the relay: a group created on one tablet appears on another with
// the same members, each tablet deriving them from the same replicated data (manual members and
// the rule), never receiving them.
import { afterEach, assert, expect, it } from 'vitest';
import { emptyDraft } from '$lib/domain/customer';
import { RULE_SCHEMA_VERSION, type GroupDraft } from '$lib/domain/groups/types';
import { DexieGroupService } from '$lib/groups/service';
import { Deriver } from '$lib/derive/deriver';
import { createShop, eventually, makeTablet, pairDevice, startTestRelay, type Tablet, type TestRelay } from './support/tablets';

const NOW = '2026-11-23T10:00:00.000Z';
const ctx = { today: '2026-11-23', timeZone: 'Europe/London', now: NOW };

let relay: TestRelay | null = null;
const open: { tablet: Tablet; deriver: Deriver }[] = [];

afterEach(async () => {
	for (const { tablet, deriver } of open.splice(0)) {
		deriver.close();
		await tablet.close();
	}
	await relay?.stop();
	relay = null;
});

async function withGroups(t: Tablet) {
	const deriver = new Deriver();
	await deriver.open(t.db.name);
	await deriver.start(ctx);
	open.push({ tablet: t, deriver });
	const groups = new DexieGroupService(t.store, {
		now: () => NOW,
		today: () => ctx.today,
		by: () => t.name,
		derivation: {
			preview: (r, x) => deriver.preview(r, x ?? null, ctx),
			explain: (c, g) => deriver.explain(c, g, ctx),
			rfmMovement: () => deriver.rfmMovement()
		}
	});
	return { t, deriver, groups };
}

const common = { description: '', tags: [], vip: false, discountPct: null, loyaltyEnabled: false, appAccess: false };

it('a group created on one tablet appears with the same members on another', async () => {
	relay = await startTestRelay();
	const owner = await createShop(relay);
	const a = await withGroups(makeTablet('A', owner));
	const b = await withGroups(makeTablet('B', await pairDevice(relay, owner, 'Tablet B')));
	const ids: string[] = [];
	for (let i = 0; i < 12; i++) {
		const r = await a.t.customers.create({ ...emptyDraft(NOW), firstName: `C${i}`, tags: i % 3 === 0 ? ['vip'] : [] });
		assert(r.ok, 'customer refused');
		ids.push(r.id);
	}
	const manual = await a.groups.create({ ...common, name: 'Newsletter', type: 'manual' });
	const tagged: GroupDraft = {
		...common,
		name: 'VIP tag',
		type: 'automatic',
		rule: { version: RULE_SCHEMA_VERSION, root: { kind: 'block', op: 'all', children: [{ kind: 'tags', match: 'any', tags: ['vip'] }] } }
	};
	const auto = await a.groups.create(tagged);
	assert(manual.ok && auto.ok, 'group refused');
	await a.groups.addMembers([manual.id], ids.slice(0, 5));
	await a.deriver.drain(ctx);
	expect((await a.groups.memberIds(auto.id)).length).toBe(4);

	await a.t.connect();
	await b.t.connect();
	await eventually(async () => {
		await b.deriver.drain(ctx);
		expect((await b.groups.list()).map((g) => g.group.name)).toEqual(['All customers', 'RFM segments', 'Newsletter', 'VIP tag']);
		expect((await b.groups.memberIds(manual.id)).sort()).toEqual(ids.slice(0, 5).sort());
	}, 20_000);
	await b.deriver.drain(ctx);
	expect(await b.t.db.memberships.orderBy('customerId').toArray()).toEqual(
		(await a.t.db.memberships.orderBy('customerId').toArray()).map((m) => ({ ...m, since: expect.any(Object) }))
	);
	expect(await b.t.db.groupCounts.toArray()).toEqual(await a.t.db.groupCounts.toArray());
}, 40_000);
