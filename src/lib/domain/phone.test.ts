import { describe, expect, it } from 'vitest';
import { formatPhone, normalizePhone, phoneQueryDigits, phoneSearchKeys } from './phone';

describe('normalizePhone', () => {
	it.each([
		['07700 900123', 'GB', '+447700900123'],
		['+44 (0)7700-900123', 'GB', '+447700900123'],
		['0044 7700 900123', 'GB', '+447700900123'],
		['07700900123', 'GB', '+447700900123'],
		['+447700900123', 'DE', '+447700900123'],
		['020 7946 0018', 'GB', '+442079460018'],
		['+33 1 23 45 67 89', 'GB', '+33123456789'],
		['01 23 45 67 89', 'FR', '+33123456789'],
		['(201) 555-0123', 'US', '+12015550123'],
		['011 44 7700 900123', 'US', '+447700900123'],
		['0170 1234567', 'de', '+491701234567']
	])('reads %s (%s) as %s', (input, country, e164) => {
		expect(normalizePhone(input, country)).toEqual({ ok: true, e164 });
	});
	it('treats empty as no phone', () => {
		expect(normalizePhone('', 'GB')).toEqual({ ok: true, e164: '' });
		expect(normalizePhone('  ', 'GB')).toEqual({ ok: true, e164: '' });
	});
	it.each(['123', '0123', 'abc', 'call me', '07700 9001234567', '+44', '0770O 900123', '++'])('rejects %s', (input) => {
		expect(normalizePhone(input, 'GB')).toEqual({ ok: false, code: 'phone-invalid' });
	});
	it('needs a country code when the default country is unknown', () => {
		expect(normalizePhone('07700 900123', 'XX')).toEqual({ ok: false, code: 'phone-invalid' });
		expect(normalizePhone('+44 7700 900123', 'XX')).toEqual({ ok: true, e164: '+447700900123' });
	});
});

describe('phoneSearchKeys', () => {
	it('gives international and national-dialled digits; the national number alone only when not dialled as 0 + it', () => {
		expect(phoneSearchKeys('+447700900123')).toEqual(['447700900123', '07700900123']);
		expect(phoneSearchKeys('+33123456789')).toEqual(['33123456789', '0123456789']);
		// Hungary dials '06' + the national number at home: '12345678' needs its own key.
		expect(phoneSearchKeys('+3612345678')).toEqual(['3612345678', '0612345678', '12345678']);
	});
	it('deduplicates where there is no trunk prefix', () => {
		expect(phoneSearchKeys('+12015550123')).toEqual(['12015550123', '2015550123']);
	});
	it('is empty for no phone', () => {
		expect(phoneSearchKeys('')).toEqual([]);
	});
});

describe('formatPhone', () => {
	it('formats home numbers nationally and others internationally', () => {
		expect(formatPhone('+447700900123', 'GB')).toBe('07700 900123');
		expect(formatPhone('+33123456789', 'GB')).toBe('+33 1 23 45 67 89');
		expect(formatPhone('+447700900123', 'FR')).toBe('+44 7700 900123');
		expect(formatPhone('+33123456789', 'FR')).toBe('01 23 45 67 89');
	});
	it('leaves empty and unreadable values alone', () => {
		expect(formatPhone('', 'GB')).toBe('');
		expect(formatPhone('07700', 'GB')).toBe('07700');
	});
});

describe('phoneQueryDigits', () => {
	it.each([
		['07700 900', ['07700900']],
		['+44 7700', ['447700']],
		['0044 7700', ['447700']],
		['7700 9', ['77009', '077009']],
		['(020) 7946-0', ['02079460']],
		['+44 (0)7700 9', ['44077009', '4477009']]
	])('%s → %j', (q, expected) => {
		expect(phoneQueryDigits(q, 'GB')).toEqual(expected);
	});
	it('uses the default country’s international prefix', () => {
		expect(phoneQueryDigits('011 44 7700', 'US')).toEqual(['447700']);
		expect(phoneQueryDigits('0044 7700', 'US')).toEqual(['00447700']);
	});
	it('ignores text and too few digits', () => {
		expect(phoneQueryDigits('jose', 'GB')).toEqual([]);
		expect(phoneQueryDigits('sw1a 1aa', 'GB')).toEqual([]);
		expect(phoneQueryDigits('07', 'GB')).toEqual([]);
		expect(phoneQueryDigits('+44', 'GB')).toEqual([]);
		expect(phoneQueryDigits('00 4', 'GB')).toEqual([]);
		expect(phoneQueryDigits('', 'GB')).toEqual([]);
	});
});
