import { describe, expect, it } from 'vitest';
import { emptyDraft, type Customer } from './customer';
import { decodeDupKeys, dupKeysOf, encodeDupKeys, findDuplicatePairs, jaroWinkler, nameKey, pairKey, splitPairKey } from './duplicates';

function c(id: string, over: Partial<Customer> = {}): Customer {
	return { ...emptyDraft('2026-01-01T00:00:00.000Z'), id, updatedAt: '2026-01-01T00:00:00.000Z', ...over };
}

const at = (postcode: string) => [{ id: 'a', label: 'Home', line1: '1 High St', line2: '', city: 'London', region: '', postcode, country: 'GB' }];

describe('duplicate finder', () => {
	it('pairs customers sharing an email, a phone or a card, each once and with every reason', () => {
		const pairs = findDuplicatePairs([
			c('x1', { firstName: 'Ann', lastName: 'Lee', email: 'ann@example.com', phone: '+447700900001', cards: ['2900000000017'] }),
			c('x2', { firstName: 'Bob', lastName: 'Kay', email: 'ann@example.com', phone: '+447700900001' }),
			c('x3', { firstName: 'Cy', lastName: 'Orr', cards: ['2900000000017'] }),
			c('x4', { firstName: 'Di', lastName: 'Poe', email: 'di@example.com', phone: '+447700900004' })
		]);
		expect(pairs).toEqual([
			{ a: 'x1', b: 'x2', reasons: ['email', 'phone'], similarity: expect.any(Number) },
			{ a: 'x1', b: 'x3', reasons: ['card'], similarity: expect.any(Number) }
		]);
	});

	it('matches cards whatever their letter case', () => {
		const pairs = findDuplicatePairs([c('a', { cards: ['ab12cd'] }), c('b', { cards: ['AB12CD'] })]);
		expect(pairs.map((p) => p.reasons)).toEqual([['card']]);
	});

	it('pairs very similar names only with the same postcode or the same birth date', () => {
		const pairs = findDuplicatePairs([
			c('p1', { firstName: 'John', lastName: 'Smith', addresses: at('NW1 8AB') }),
			c('p2', { firstName: 'Jon', lastName: 'Smith', addresses: at('nw18ab') }),
			c('p3', { firstName: 'Jon', lastName: 'Smith', addresses: at('SE1 1AA') }),
			c('b1', { firstName: 'María', lastName: 'García', birthDate: '1980-02-03' }),
			c('b2', { firstName: 'Garcia', lastName: 'Maria', birthDate: '1980-02-03' }),
			c('b3', { firstName: 'Peter', lastName: 'Jones', birthDate: '1980-02-03' })
		]);
		const byPair = new Map(pairs.map((p) => [pairKey(p.a, p.b), p.reasons]));
		expect(byPair.get('p1|p2')).toEqual(['name-postcode']);
		expect(byPair.get('b1|b2')).toEqual(['name-birthdate']);
		// Same name, another postcode and no birth date: not a pair. Another name, same date: not either.
		expect(byPair.has('p1|p3')).toBe(false);
		expect(byPair.has('p2|p3')).toBe(false);
		expect(byPair.has('b1|b3')).toBe(false);
		expect(pairs).toHaveLength(2);
	});

	it('never pairs a customer with themself, even with two addresses in one postcode', () => {
		const twice = [...at('NW1 8AB'), { ...at('NW1 8AB')[0], id: 'b', label: 'Work' }];
		expect(findDuplicatePairs([c('s', { firstName: 'Ann', lastName: 'Lee', addresses: twice, cards: ['1234', '1234'] })])).toEqual([]);
	});

	it('hides dismissed pairs whichever way round they were named', () => {
		const list = [c('m', { email: 'same@example.com' }), c('k', { email: 'same@example.com' })];
		expect(findDuplicatePairs(list)).toHaveLength(1);
		expect(findDuplicatePairs(list, new Set([pairKey('m', 'k')]))).toEqual([]);
		expect(pairKey('m', 'k')).toBe(pairKey('k', 'm'));
		expect(splitPairKey(pairKey('m', 'k'))).toEqual({ a: 'k', b: 'm' });
	});

	it('blocks: a busy postcode is compared by sorted neighbourhood, finds the pair, and stays fast', () => {
		const many: Customer[] = [];
		for (let i = 0; i < 3000; i++) many.push(c(`n${String(i).padStart(5, '0')}`, { firstName: `Person${i}`, lastName: `Zed${i % 97}x${i}`, addresses: at('E1 6AN') }));
		many.push(c('dup1', { firstName: 'Katherine', lastName: 'Bloggs', addresses: at('E1 6AN') }));
		many.push(c('dup2', { firstName: 'Catherine', lastName: 'Bloggs', addresses: at('E1 6AN') }));
		const t0 = performance.now();
		const pairs = findDuplicatePairs(many);
		// All against all (4.5 million comparisons) took 30 s here; the neighbourhoods take well under 1 s unloaded.
		expect(performance.now() - t0).toBeLessThan(5000);
		expect(pairs.find((p) => p.a === 'dup1' && p.b === 'dup2')?.reasons).toEqual(['name-postcode']);
	});

	it('folds names (accents, order, punctuation) and scores similarity', () => {
		expect(nameKey({ firstName: 'José', lastName: "O'Brien" })).toBe('brien jose o');
		expect(jaroWinkler('jon smith', 'john smith')).toBeGreaterThan(0.9);
		expect(jaroWinkler('jane smith', 'peter jones')).toBeLessThan(0.7);
		expect(jaroWinkler('abc', 'abc')).toBe(1);
		expect(jaroWinkler('', 'abc')).toBe(0);
	});

	it('finds the same pairs from the compact keys the projection stores', () => {
		const list = [
			c('e1', { firstName: 'Zoë', lastName: 'Hart', email: 'ZH@example.com', cards: ['Ab12'], addresses: at('n1 9gu'), birthDate: '1990-01-02' }),
			c('e2', { firstName: 'Zoe', lastName: 'Hart', email: 'zh@example.com', addresses: at('N1 9GU') })
		];
		const compact = list.map((x) => decodeDupKeys(x.id, encodeDupKeys(dupKeysOf(x))));
		expect(compact[0]).toEqual({ id: 'e1', name: 'hart zoe', birthDate: '1990-01-02', email: 'zh@example.com', phone: '', cards: ['ab12'], postcodes: ['N19GU'] });
		expect(findDuplicatePairs(compact)).toEqual(findDuplicatePairs(list));
		expect(findDuplicatePairs(compact)[0].reasons).toEqual(['email', 'name-postcode']);
	});
});
