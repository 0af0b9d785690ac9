import { describe, expect, it } from 'vitest';
import { normalisePairingCode, pairingCodeFromQr, pairingUrl } from './qr-scan';

describe('pairing codes', () => {
	it('accepts any case, with or without the dash or spaces', () => {
		expect(normalisePairingCode('abcd-efgh')).toBe('ABCD-EFGH');
		expect(normalisePairingCode('ABCDEFGH')).toBe('ABCD-EFGH');
		expect(normalisePairingCode(' abcd efgh ')).toBe('ABCD-EFGH');
	});

	it('refuses codes of the wrong length or with letters the relay never uses', () => {
		expect(normalisePairingCode('ABCD-EFG')).toBeNull();
		expect(normalisePairingCode('ABCD-EFGHJ')).toBeNull();
		expect(normalisePairingCode('ABCD-EFG0')).toBeNull();
		expect(normalisePairingCode('ABCD-EFGI')).toBeNull();
	});

	it('reads a code from a bare QR text or from the devices link', () => {
		expect(pairingCodeFromQr('WXYZ-2345')).toBe('WXYZ-2345');
		const url = pairingUrl('https://shop.example/', 'WXYZ-2345');
		expect(url).toBe('https://shop.example/settings/devices?pair=WXYZ-2345');
		expect(pairingCodeFromQr(url)).toBe('WXYZ-2345');
		expect(pairingCodeFromQr('https://shop.example/settings/devices')).toBeNull();
		expect(pairingCodeFromQr('hello world')).toBeNull();
	});
});
