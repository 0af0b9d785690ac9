import { describe, expect, it } from 'vitest';
import { encodeCardLabel, type PrintTarget } from './receipt';
import { decodeEscPos, printedLines } from './escpos-decoder';

const target = (paper: 58 | 80): PrintTarget => ({ paper, codepage: 'auto', language: 'esc-pos', codepageMapping: 'epson' });

describe.each([58, 80] as const)('a card label on %i mm paper', (paper) => {
	it('prints the shop, the name with its accents, the EAN-13 of the card, then cuts', () => {
		const events = decodeEscPos(encodeCardLabel({ shopName: 'Hearth & Home', name: 'Zoë Müller', card: '2900000000070', target: target(paper) }));
		expect(events[0]).toEqual({ kind: 'init' });
		const text = printedLines(events).join('\n');
		expect(text).toContain('Hearth & Home');
		expect(text).toContain('Zoë Müller');
		const barcodes = events.filter((e) => e.kind === 'barcode');
		expect(barcodes).toHaveLength(1);
		// GS k 2 (function A): JAN13/EAN-13, with the card's digits.
		expect(barcodes[0]).toMatchObject({ symbology: 2 });
		expect((barcodes[0] as { data: string }).data.slice(0, 12)).toBe('290000000007');
		const cut = events.findLastIndex((e) => e.kind === 'cut');
		expect(cut).toBeGreaterThan(events.indexOf(barcodes[0]));
	});

	it('prints a card that is not an EAN-13 as CODE128', () => {
		const events = decodeEscPos(encodeCardLabel({ shopName: 'Shop', name: 'Ann', card: 'LOYAL-0042', target: target(paper) }));
		expect(events.filter((e) => e.kind === 'barcode')).toEqual([expect.objectContaining({ symbology: 73, data: 'LOYAL-0042' })]);
	});
});
