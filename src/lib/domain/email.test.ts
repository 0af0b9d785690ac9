import { describe, expect, it } from 'vitest';
import { normalizeEmail } from './email';

describe('normalizeEmail', () => {
	it('trims and lower-cases', () => {
		expect(normalizeEmail('  Jane.Smith@Example.COM ')).toEqual({ ok: true, email: 'jane.smith@example.com' });
	});
	it('treats empty as no email', () => {
		expect(normalizeEmail('')).toEqual({ ok: true, email: '' });
		expect(normalizeEmail('   ')).toEqual({ ok: true, email: '' });
	});
	it.each([
		'jane+shop@example.co.uk',
		'o\'brien@example.ie',
		'a@b.io',
		'user@sub-domain.example.org',
		'müller@bücher.de',
		'x@xn--bcher-kva.example'
	])('accepts %s', (e) => {
		expect(normalizeEmail(e).ok).toBe(true);
	});
	it.each([
		'jane',
		'jane@',
		'@example.com',
		'jane@example',
		'jane@@example.com',
		'ja ne@example.com',
		'jane@exa mple.com',
		'jane@example..com',
		'jane@-example.com',
		'jane@example-.com',
		'jane@example.c',
		'jane@example.123',
		'.jane@example.com',
		'jane.@example.com',
		'ja..ne@example.com',
		'jane@example.com.',
		'a@b@example.com',
		'x'.repeat(65) + '@example.com',
		'a@' + 'b'.repeat(250) + '.com'
	])('rejects %s', (e) => {
		expect(normalizeEmail(e)).toEqual({ ok: false, code: 'email-invalid' });
	});
});
