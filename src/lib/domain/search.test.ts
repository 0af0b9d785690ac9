import { describe, expect, it } from 'vitest';
import { emptyDraft, type Customer } from './customer';
import { nameSuffixes, searchKeys, searchPrefixes, sortName } from './search';

function customer(overrides: Partial<Customer>): Customer {
	return { ...emptyDraft('2026-01-01T00:00:00Z'), id: 'c', updatedAt: '2026-01-01T00:00:00Z', ...overrides };
}

const jose = customer({
	firstName: 'José',
	lastName: 'García',
	email: 'jose.garcia@example.es',
	phone: '+447700900123',
	cards: ['2000012345678'],
	addresses: [
		{ id: 'a', label: '', line1: '', line2: '', city: 'London', region: '', postcode: 'SW1A 1AA', country: 'GB' }
	]
});
const jane = customer({ firstName: 'Jane', lastName: 'Smith', email: 'jane.smith@example.com', phone: '+12015550123' });
const maria = customer({
	firstName: 'Maria',
	lastName: 'Lopez',
	phone: '+33123456789',
	cards: ['AB770012'],
	addresses: [{ id: 'b', label: '', line1: '', line2: '', city: 'Berlin', region: '', postcode: '07743', country: 'DE' }]
});
const obrien = customer({ firstName: 'Mary Ann', lastName: "O'Brien-van der Berg" });

function finds(c: Customer, query: string, country = 'GB'): boolean {
	const keys = searchKeys(c);
	const prefixes = searchPrefixes(query, country);
	return keys.some((k) => prefixes.some((p) => k.startsWith(p)));
}

describe('search end to end', () => {
	it.each([
		[jose, 'jose'],
		[jose, 'JOSÉ'],
		[jose, 'garc'],
		[jose, 'jose gar'],
		[jose, 'García José'],
		[jose, 'garcia j'],
		[jose, '07700 900123'],
		[jose, '07700900'],
		[jose, '7700 900'],
		[jose, '+44 7700 900'],
		[jose, '0044 7700 900123'],
		[jose, '+44 (0)7700 900123'],
		[jose, 'jose.garcia@'],
		[jose, 'sw1a 1'],
		[jose, 'SW1A1AA'],
		[jose, '2000012'],
		[jose, '2000 0123'],
		[jane, 'jane.smith@ex'],
		[jane, 'smith j'],
		[jane, '(201) 555'],
		[jane, '+1 201'],
		[maria, '0774'],
		[maria, 'ab7700'],
		[maria, '01 23 45'],
		[maria, '+33 1 23'],
		[maria, '1 23 45 67'],
		[obrien, 'obrien'],
		[obrien, "o'brien"],
		[obrien, 'van der berg'],
		[obrien, 'berg mary'],
		[obrien, 'mary ann o'],
		[obrien, 'ann']
	])('finds %#: %s', (c, query) => {
		expect(finds(c, query)).toBe(true);
	});

	it.each([
		[maria, 'jose'],
		[jose, 'maria'],
		[jose, 'garcia m'],
		[jose, 'jose garcia lopez'],
		[jane, 'jose.garcia@'],
		[jane, '07700'],
		// A phone number being typed must not pull in a customer by postcode or card digits.
		[maria, '07743 900123'],
		[maria, '0770'],
		[jose, 'sw2'],
		[jose, '2000013'],
		[jose, '+33 1']
	])('does not find %#: %s', (c, query) => {
		expect(finds(c, query)).toBe(false);
	});
});

describe('searchKeys', () => {
	it('builds name, email, phone, postcode and card keys without duplicates', () => {
		const keys = searchKeys(jose);
		expect(keys).toEqual(
			expect.arrayContaining([
				'n:jose garcia',
				'n:garcia jose',
				'e:jose.garcia@example.es',
				'p:447700900123',
				'p:07700900123',
				'z:sw1a1aa',
				'c:2000012345678'
			])
		);
		expect(new Set(keys).size).toBe(keys.length);
		expect(keys.every((k) => k.length > 2)).toBe(true);
	});
	it('keeps a multi-word surname whole', () => {
		const keys = searchKeys(customer({ firstName: 'Jan', lastName: 'van der Berg' }));
		// 'van der berg' itself is answered by 'van der berg jan', which starts with it.
		expect(keys).toContain('n:van der berg jan');
		expect(keys).toContain('n:vanderberg');
	});
	it('stores no name key that another name key starts with: José García has two, not four', () => {
		expect(searchKeys(jose).filter((k) => k.startsWith('n:')).sort()).toEqual(['n:garcia jose', 'n:jose garcia']);
		for (const c of [jose, jane, maria, obrien, customer({ firstName: 'Ann', lastName: 'Annabel' })]) {
			const names = searchKeys(c).filter((k) => k.startsWith('n:'));
			expect(names.filter((k) => names.some((other) => other !== k && other.startsWith(k)))).toEqual([]);
		}
	});
	it('answers every prefix of every name suffix, as when all suffixes were stored', () => {
		for (const c of [jose, jane, maria, obrien, customer({ firstName: 'Ann', lastName: 'Annabel' })]) {
			const keys = searchKeys(c);
			for (const suffix of nameSuffixes(c)) {
				for (let n = 1; n <= suffix.length; n++) {
					const prefix = 'n:' + suffix.slice(0, n);
					expect(keys.some((k) => k.startsWith(prefix)), `${suffix} / ${prefix}`).toBe(true);
				}
			}
		}
	});
	it('has no keys for an empty customer', () => {
		expect(searchKeys(customer({}))).toEqual([]);
	});
	it('bounds the number of keys for very long names', () => {
		const keys = searchKeys(customer({ firstName: 'a b c d e f g h i j k l', lastName: 'm n o p q r s t' }));
		expect(keys.length).toBeLessThanOrEqual(20);
	});
});

describe('searchPrefixes', () => {
	it('is empty for blank input', () => {
		expect(searchPrefixes('', 'GB')).toEqual([]);
		expect(searchPrefixes('   ', 'GB')).toEqual([]);
	});
	it('searches text as names, emails and cards only', () => {
		expect(searchPrefixes('Jose', 'GB')).toEqual(['n:jose', 'e:jose', 'c:jose']);
	});
	it('searches a multi-word name only as a name', () => {
		expect(searchPrefixes('jose gar', 'GB')).toEqual(['n:jose gar']);
	});
	it('searches digits as card, postcode and phone', () => {
		expect(searchPrefixes('2000012', 'GB')).toEqual(
			expect.arrayContaining(['c:2000012', 'z:2000012', 'p:2000012'])
		);
	});
	it('does not search a full phone number as a postcode', () => {
		expect(searchPrefixes('07700 900123', 'GB').filter((p) => p.startsWith('z:'))).toEqual([]);
		expect(searchPrefixes('+44 7700', 'GB').filter((p) => p.startsWith('z:'))).toEqual([]);
	});
});

describe('sortName', () => {
	it('puts the surname first, folded', () => {
		expect(sortName({ firstName: 'José', lastName: 'Ávila' })).toBe('avila jose');
		expect(sortName({ firstName: 'Jane', lastName: '' })).toBe('jane');
	});
});
