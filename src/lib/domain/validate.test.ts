import { describe, expect, it } from 'vitest';
import { emptyDraft, type Address, type CustomerDraft } from './customer';
import type { FieldError } from './errors';
import { normalizeCard, normalizePostcode, validateCustomer, type ValidationContext } from './validate';

const ctx: ValidationContext = { defaultCountry: 'GB', today: '2026-03-29', storeIds: ['camden', 'soho'] };
const NOW = '2026-03-29T10:00:00.000Z';

function draft(overrides: Partial<CustomerDraft> = {}): CustomerDraft {
	return { ...emptyDraft(NOW, 'camden'), firstName: 'Jane', lastName: 'Smith', ...overrides };
}

function address(overrides: Partial<Address> = {}): Address {
	return { id: 'a1', label: '', line1: '1 High St', line2: '', city: 'London', region: '', postcode: 'SW1A 1AA', country: 'GB', ...overrides };
}

function codes(d: CustomerDraft, c: ValidationContext = ctx): Pick<FieldError, 'field' | 'code'>[] {
	return validateCustomer(d, c).errors.map(({ field, code }) => ({ field, code }));
}

describe('validateCustomer', () => {
	it('accepts a minimal customer without errors', () => {
		expect(validateCustomer(draft(), ctx).errors).toEqual([]);
		expect(validateCustomer(draft({ firstName: '', lastName: 'Smith' }), ctx).errors).toEqual([]);
	});

	it('does not mutate its input', () => {
		const d = draft({ firstName: '  Jane ', cards: ['ab12 34'], tags: ['VIP'] });
		const copy = structuredClone(d);
		validateCustomer(d, ctx);
		expect(d).toEqual(copy);
	});

	describe('names', () => {
		it('requires a first or last name', () => {
			expect(codes(draft({ firstName: '  ', lastName: '' }))).toEqual([{ field: 'firstName', code: 'name-required' }]);
		});
		it('tidies whitespace but keeps case and accents', () => {
			const r = validateCustomer(draft({ firstName: '  María   José ', lastName: ' García ' }), ctx);
			expect(r.draft.firstName).toBe('María José');
			expect(r.draft.lastName).toBe('García');
		});
		it('limits length to 100', () => {
			expect(codes(draft({ lastName: 'x'.repeat(100) }))).toEqual([]);
			const r = validateCustomer(draft({ lastName: 'x'.repeat(101) }), ctx);
			expect(r.errors).toEqual([{ field: 'lastName', code: 'field-too-long', params: { max: '100' } }]);
		});
	});

	describe('email', () => {
		it('lower-cases and trims', () => {
			expect(validateCustomer(draft({ email: ' Jane@Example.COM ' }), ctx).draft.email).toBe('jane@example.com');
		});
		it('reports an unreadable address and keeps what was typed', () => {
			const r = validateCustomer(draft({ email: ' jane@example ' }), ctx);
			expect(r.errors).toEqual([{ field: 'email', code: 'email-invalid' }]);
			expect(r.draft.email).toBe('jane@example');
		});
		it('limits length to 254', () => {
			expect(codes(draft({ email: 'a'.repeat(250) + '@x.com' }))).toEqual([{ field: 'email', code: 'field-too-long' }]);
		});
	});

	describe('phone', () => {
		it('stores E.164', () => {
			expect(validateCustomer(draft({ phone: '07700 900123' }), ctx).draft.phone).toBe('+447700900123');
		});
		it('reports phone-invalid', () => {
			const r = validateCustomer(draft({ phone: ' 12 ' }), ctx);
			expect(r.errors).toEqual([{ field: 'phone', code: 'phone-invalid' }]);
			expect(r.draft.phone).toBe('12');
		});
	});

	describe('birth date', () => {
		it.each([
			['1985-02-30', 'birth-date-invalid'],
			['21/03/1985', 'birth-date-invalid'],
			['2026-03-30', 'birth-date-future'],
			['1899-12-31', 'birth-date-too-old']
		])('%s → %s', (birthDate, code) => {
			expect(codes(draft({ birthDate }))).toEqual([{ field: 'birthDate', code }]);
		});
		it.each(['', '1900-01-01', '2026-03-29', '2024-02-29'])('accepts %j', (birthDate) => {
			expect(codes(draft({ birthDate }))).toEqual([]);
		});
	});

	describe('gender', () => {
		it('rejects values outside GENDERS', () => {
			expect(codes(draft({ gender: 'f' as never }))).toEqual([{ field: 'gender', code: 'gender-invalid' }]);
		});
		it('reads an empty gender as not stated', () => {
			const r = validateCustomer(draft({ gender: '' as never }), ctx);
			expect(r.errors).toEqual([]);
			expect(r.draft.gender).toBe('not-stated');
		});
	});

	describe('cards', () => {
		it('upper-cases and removes spaces and dashes, dropping blanks', () => {
			const r = validateCustomer(draft({ cards: [' 2000-0123 4567 ', 'ab12cd', ''] }), ctx);
			expect(r.errors).toEqual([]);
			expect(r.draft.cards).toEqual(['200001234567', 'AB12CD']);
		});
		it('reports unreadable cards by their position', () => {
			const r = validateCustomer(draft({ cards: ['', 'ABC', 'AB#12345', 'X'.repeat(33)] }), ctx);
			expect(r.errors).toEqual([
				{ field: 'cards.1', code: 'card-invalid', params: { card: 'ABC' } },
				{ field: 'cards.2', code: 'card-invalid', params: { card: 'AB#12345' } },
				{ field: 'cards.3', code: 'card-invalid', params: { card: 'X'.repeat(33) } }
			]);
		});
		it('reports and removes duplicates within the customer', () => {
			const r = validateCustomer(draft({ cards: ['AB1234', 'ab-1234', 'CD5678'] }), ctx);
			expect(r.errors).toEqual([{ field: 'cards.1', code: 'card-duplicate-in-customer', params: { card: 'AB1234' } }]);
			expect(r.draft.cards).toEqual(['AB1234', 'CD5678']);
		});
	});

	describe('addresses', () => {
		it('normalises UK postcodes with one inner space', () => {
			const r = validateCustomer(draft({ addresses: [address({ postcode: ' sw1a1aa ' }), address({ id: 'a2', postcode: 'ec1a   1bb', country: '' })] }), ctx);
			expect(r.errors).toEqual([]);
			expect(r.draft.addresses.map((a) => a.postcode)).toEqual(['SW1A 1AA', 'EC1A 1BB']);
		});
		it('reports an unreadable UK postcode', () => {
			expect(codes(draft({ addresses: [address({ postcode: '12345' })] }))).toEqual([
				{ field: 'addresses.0.postcode', code: 'postcode-invalid' }
			]);
		});
		it('accepts foreign postcodes in their own format', () => {
			const r = validateCustomer(draft({ addresses: [address({ postcode: '75001', country: 'fr' }), address({ id: 'a2', postcode: '1012 ab', country: 'NL' })] }), ctx);
			expect(r.errors).toEqual([]);
			expect(r.draft.addresses.map((a) => [a.postcode, a.country])).toEqual([['75001', 'FR'], ['1012 AB', 'NL']]);
		});
		it('rejects postcodes with symbols and bad countries', () => {
			expect(codes(draft({ addresses: [address({ postcode: '75#01', country: 'FRA' })] }))).toEqual([
				{ field: 'addresses.0.country', code: 'country-invalid' },
				{ field: 'addresses.0.postcode', code: 'postcode-invalid' }
			]);
		});
		it('gives a customer with addresses a default address', () => {
			const r = validateCustomer(draft({ addresses: [address({ id: 'x' }), address({ id: 'y' })], defaultAddressId: null }), ctx);
			expect(r.draft.defaultAddressId).toBe('x');
			expect(r.errors).toEqual([]);
		});
		it('keeps a chosen default', () => {
			const r = validateCustomer(draft({ addresses: [address({ id: 'x' }), address({ id: 'y' })], defaultAddressId: 'y' }), ctx);
			expect(r.draft.defaultAddressId).toBe('y');
		});
		it('reports a default that is not one of the addresses', () => {
			expect(codes(draft({ addresses: [address({ id: 'x' })], defaultAddressId: 'gone' }))).toEqual([
				{ field: 'defaultAddressId', code: 'default-address-missing' }
			]);
			expect(codes(draft({ addresses: [], defaultAddressId: 'gone' }))).toEqual([
				{ field: 'defaultAddressId', code: 'default-address-missing' }
			]);
		});
		it('limits address line length', () => {
			expect(codes(draft({ addresses: [address({ line1: 'x'.repeat(201) })] }))).toEqual([
				{ field: 'addresses.0.line1', code: 'field-too-long' }
			]);
		});
	});

	describe('consents', () => {
		const granted = { status: 'granted', date: NOW, source: 'till', recordedBy: ' Till 1 ' } as const;
		it('accepts valid consents and trims who recorded them', () => {
			const r = validateCustomer(draft({ consents: { email: granted, sms: { ...granted, status: 'withdrawn' } } }), ctx);
			expect(r.errors).toEqual([]);
			expect(r.draft.consents.email?.recordedBy).toBe('Till 1');
		});
		it.each([
			['an unknown channel', { fax: granted }, 'consents.fax'],
			['a bad status', { email: { ...granted, status: 'yes' } }, 'consents.email'],
			['a bad date', { sms: { ...granted, date: '2026-03-29' } }, 'consents.sms'],
			['a bad source', { post: { ...granted, source: 'phone' } }, 'consents.post']
		])('rejects %s', (_label, consents, field) => {
			expect(codes(draft({ consents: consents as never }))).toEqual([{ field, code: 'consent-invalid' }]);
		});
	});

	describe('tags', () => {
		it('trims, lower-cases and de-duplicates', () => {
			const r = validateCustomer(draft({ tags: [' VIP ', 'vip', '', 'Wholesale  Trade'] }), ctx);
			expect(r.errors).toEqual([]);
			expect(r.draft.tags).toEqual(['vip', 'wholesale trade']);
		});
		it('rejects separators and long tags', () => {
			expect(codes(draft({ tags: ['a,b', 'x'.repeat(51)] }))).toEqual([
				{ field: 'tags.0', code: 'tag-invalid' },
				{ field: 'tags.1', code: 'tag-invalid' }
			]);
		});
	});

	describe('notes, store and registration', () => {
		it('trims notes and limits them to 5000', () => {
			expect(validateCustomer(draft({ notes: '  likes tea \n' }), ctx).draft.notes).toBe('likes tea');
			expect(codes(draft({ notes: 'x'.repeat(5001) }))).toEqual([{ field: 'notes', code: 'field-too-long' }]);
		});
		it('checks the store against the shop’s stores when given', () => {
			expect(codes(draft({ storeId: 'paris' }))).toEqual([{ field: 'storeId', code: 'store-unknown' }]);
			expect(codes(draft({ storeId: '' }))).toEqual([]);
			expect(codes(draft({ storeId: 'paris' }), { ...ctx, storeIds: [] })).toEqual([]);
			expect(codes(draft({ storeId: 'paris' }), { defaultCountry: 'GB', today: ctx.today })).toEqual([]);
		});
		it('requires registeredAt to be an ISO instant', () => {
			expect(codes(draft({ registeredAt: '2026-03-29' }))).toEqual([{ field: 'registeredAt', code: 'registered-at-invalid' }]);
			expect(codes(draft({ registeredAt: '2026-03-29T11:00:00+01:00' }))).toEqual([]);
		});
	});

	it('reports every problem at once', () => {
		const r = validateCustomer(
			draft({ firstName: '', lastName: '', email: 'x', phone: 'y', birthDate: '2030-01-01', cards: ['a'], registeredAt: '' }),
			ctx
		);
		expect(r.errors.map((e) => e.code)).toEqual([
			'name-required',
			'email-invalid',
			'phone-invalid',
			'birth-date-future',
			'card-invalid',
			'registered-at-invalid'
		]);
	});
});

describe('normalizeCard', () => {
	it('removes separators and upper-cases', () => {
		expect(normalizeCard(' ab-12 34\t')).toBe('AB1234');
	});
});

describe('normalizePostcode', () => {
	it('formats UK and crown dependency postcodes', () => {
		expect(normalizePostcode('w1a0ax', 'GB')).toEqual({ postcode: 'W1A 0AX', ok: true });
		expect(normalizePostcode('je2 3ab', 'JE')).toEqual({ postcode: 'JE2 3AB', ok: true });
		expect(normalizePostcode('gir0aa', 'GB')).toEqual({ postcode: 'GIR 0AA', ok: true });
		expect(normalizePostcode('SW1A', 'GB')).toEqual({ postcode: 'SW1A', ok: false });
		expect(normalizePostcode('', 'GB')).toEqual({ postcode: '', ok: true });
	});
});
