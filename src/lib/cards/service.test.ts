import { assert, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ShopDB } from '$lib/store/schema';
import { DocStore } from '$lib/store/docstore';
import { allProjections } from '$lib/projections';
import { DexieCustomerService } from '$lib/customers/service';
import { emptyDraft, type CustomerDraft } from '$lib/domain/customer';
import { seededIds } from '$lib/domain/ids';
import { SETTINGS_DOC } from '$lib/store/docnames';
import { blockBounds, cardNumber, isEan13, sequenceOf, type CardRange } from '$lib/domain/cards';
import { CardService, readClaims } from './service';

const NOW = '2026-11-23T10:00:00.000Z';
let n = 0;

function tablet(install: string, range: CardRange, name = `cards-${++n}-${Math.random()}`) {
	const db = new ShopDB(name);
	const store = new DocStore(db, { projections: allProjections, channel: null });
	const customers = new DexieCustomerService(store, {
		validation: () => ({ defaultCountry: 'GB', today: '2026-11-23', storeIds: ['main'] }),
		now: () => NOW,
		newId: seededIds(++n)
	});
	const cards = new CardService(store, customers, { range: () => range, install: () => install });
	return { db, store, customers, cards };
}

const draft = (over: Partial<CustomerDraft> = {}): CustomerDraft => ({ ...emptyDraft(NOW, 'main'), firstName: 'Ann', ...over });

async function newCustomer(t: ReturnType<typeof tablet>, over: Partial<CustomerDraft> = {}) {
	const r = await t.customers.create(draft(over));
	assert(r.ok, 'customer not created');
	return r.id;
}

describe('card generation', () => {
	const range: CardRange = { prefix: '29', start: 1, end: 10_000 };
	let t: ReturnType<typeof tablet>;
	beforeEach(() => {
		t = tablet('install-a', range);
	});

	it('gives a customer a valid EAN-13 from the range, and the next one to the next customer', async () => {
		const a = await newCustomer(t);
		const b = await newCustomer(t, { firstName: 'Bob' });
		const ra = await t.cards.generate(a);
		const rb = await t.cards.generate(b);
		assert(ra.ok && rb.ok, 'generation failed');
		expect(isEan13(ra.card)).toBe(true);
		expect(sequenceOf(range, rb.card)).toBe(sequenceOf(range, ra.card)! + 1);
		expect((await t.customers.get(a))?.cards).toEqual([ra.card]);
		expect((await t.customers.findByCard(rb.card))?.id).toBe(b);
	});

	it('skips numbers of its block already typed in by hand', async () => {
		const a = await newCustomer(t);
		const first = await t.cards.generate(a);
		assert(first.ok, 'generation failed');
		const seq = sequenceOf(range, first.card)!;
		await newCustomer(t, { firstName: 'Typed', cards: [cardNumber(range, seq + 1)] });
		const b = await newCustomer(t, { firstName: 'Bob' });
		const next = await t.cards.generate(b);
		assert(next.ok, 'generation failed');
		expect(sequenceOf(range, next.card)).toBe(seq + 2);
	});

	it('two taps at once give two numbers', async () => {
		const a = await newCustomer(t);
		const [x, y] = await Promise.all([t.cards.generate(a), t.cards.generate(a)]);
		assert(x.ok && y.ok, 'generation failed');
		expect(x.card).not.toBe(y.card);
		expect((await t.customers.get(a))?.cards.sort()).toEqual([x.card, y.card].sort());
	});

	it('says the range is full rather than reusing a number', async () => {
		const tiny = tablet('install-a', { prefix: '29', start: 1, end: 2 });
		const ids = [await newCustomer(tiny), await newCustomer(tiny, { firstName: 'B' }), await newCustomer(tiny, { firstName: 'C' })];
		expect((await tiny.cards.generate(ids[0])).ok).toBe(true);
		expect((await tiny.cards.generate(ids[1])).ok).toBe(true);
		const third = await tiny.cards.generate(ids[2]);
		assert(!third.ok, 'a third card came out of a range of two');
		expect(third.errors.map((e) => e.code)).toEqual(['card-range-full']);
		expect((await tiny.customers.get(ids[2]))?.cards).toEqual([]);
	});

	it('refuses an invalid range with the range’s own error', async () => {
		const bad = tablet('install-a', { prefix: 'X', start: 1, end: 2 });
		const id = await newCustomer(bad);
		const r = await bad.cards.generate(id);
		assert(!r.ok, 'generated from an invalid range');
		expect(r.errors[0].code).toBe('card-range-prefix-invalid');
	});

	it('keeps two offline tablets apart, and shows a clash if they ever collide', async () => {
		const b = tablet('install-b', range);
		const onA = await newCustomer(t);
		const onB = await newCustomer(b, { firstName: 'Bea' });
		const ra = await t.cards.generate(onA);
		const rb = await b.cards.generate(onB);
		assert(ra.ok && rb.ok, 'generation failed');
		expect(ra.card).not.toBe(rb.card);

		// Both tablets' claims meet after sync: each block has one owner, and both claims survive.
		const docA = await t.store.open(SETTINGS_DOC);
		const docB = await b.store.open(SETTINGS_DOC);
		Y.applyUpdate(docA, Y.encodeStateAsUpdate(docB));
		const claims = readClaims(docA);
		expect(new Set([...claims.values()].map((c) => c.install))).toEqual(new Set(['install-a', 'install-b']));

		// A forced clash (the same number on two customers, as after a same-block claim offline) is found.
		const dup = await newCustomer(t, { firstName: 'Dup' });
		await t.db.customers.update(dup, { k: [`c:${ra.card}`] });
		expect((await t.cards.holders(ra.card)).map((c) => c.id).sort()).toEqual([onA, dup].sort());
	});

	it('fills its own claimed block before claiming another', async () => {
		const ids = [];
		for (let i = 0; i < 3; i++) ids.push(await newCustomer(t, { firstName: `C${i}` }));
		const cards = [];
		for (const id of ids) {
			const r = await t.cards.generate(id);
			assert(r.ok, 'generation failed');
			cards.push(sequenceOf(range, r.card)!);
		}
		const claims = readClaims(await t.store.open(SETTINGS_DOC));
		expect(claims.size).toBe(1);
		const [block] = claims.keys();
		const { first } = blockBounds(range, block);
		expect(cards).toEqual([first, first + 1, first + 2]);
	});
});
