import { describe, expect, it } from 'vitest';
import type { Sale } from '$lib/domain/sales/types';
import { code128Data, encodeReceipt, encodeTestPage, printable, type PrintTarget, type ReceiptLayout } from './receipt';
import { decodeEscPos, printedLines, type EscPosEvent } from './escpos-decoder';
import { COLUMNS, type PaperWidth } from './settings';

const sale: Sale = {
	id: 's1', receiptNo: 'CAM-7F3K-000123', at: '2025-07-01T11:30:00.000Z', storeId: 'camden', deviceId: 'd1',
	deviceName: 'Till 2', cashier: 'Zoë', customerId: 'c1',
	lines: [
		{ itemId: 'mug', sku: 'MUG-B', name: 'Café crème mug', brand: 'Potters', category: 'Home', variant: 'M', qty: 2, unitPrice: 850,
			unitCost: 300, discount: 119, discountReason: 'Gold −7 %', pointsRedeemed: 0, pointsValue: 0,
			winners: [{ groupId: 'g1', key: 'g1', benefitId: 'b1', label: 'Gold −7 %' }] },
		{ itemId: 'scarf', sku: 'SCF', name: 'Extra long merino wool scarf with tassels', brand: 'Nordic', category: 'Clothing',
			variant: 'One size', qty: 1, unitPrice: 2500, unitCost: 900, discount: 0, discountReason: '', pointsRedeemed: 500, pointsValue: 500 }
	],
	payments: [{ method: 'card', amount: 1081 }, { method: 'cash', amount: 3000 }, { method: 'points', amount: 500 }],
	subtotal: 4200, discountTotal: 119, pointsValue: 500, total: 3581, change: 500,
	pointsRedeemed: 500, pointsEarned: 35, refundOf: null, currency: 'GBP',
	coupons: [{ code: 'SPRING', couponId: 'cp1', applied: false, off: 0, why: 'ended on 31 May' }]
};

const shop = { shopName: 'Hearth & Home', storeName: 'Camden', currency: 'GBP', timeZone: 'Europe/London' };
const layout: ReceiptLayout = { header: ['12 Rue de la Paix', 'VAT GB123456789'], footer: ['Returns within 28 days', 'Merci, à bientôt'], showCustomer: true };
const target = (paper: PaperWidth, codepage: PrintTarget['codepage'] = 'auto'): PrintTarget => ({ paper, codepage, language: 'esc-pos', codepageMapping: 'epson' });
const customer = { name: 'José Müller', pointsBalance: 1204 };

function only<K extends EscPosEvent['kind']>(events: EscPosEvent[], kind: K) {
	return events.filter((e): e is Extract<EscPosEvent, { kind: K }> => e.kind === kind);
}

describe.each([58, 80] as const)('a receipt on %i mm paper', (paper) => {
	const bytes = encodeReceipt(sale, { shop, customer, layout, target: target(paper) });
	const events = decodeEscPos(bytes);
	const lines = printedLines(events);
	const text = lines.join('\n');

	it('starts with ESC @ and a code page, and ends with a cut (GS V)', () => {
		expect([...bytes.slice(0, 2)]).toEqual([0x1b, 0x40]);
		expect(events[0]).toEqual({ kind: 'init' });
		expect(only(events, 'codepage').length).toBeGreaterThan(0);
		const cut = events.findLastIndex((e) => e.kind === 'cut');
		expect(cut).toBeGreaterThan(events.findIndex((e) => e.kind === 'barcode'));
		expect(events.slice(cut + 1).every((e) => e.kind === 'newline' || e.kind === 'align')).toBe(true);
	});

	it(`keeps every line within ${COLUMNS[paper]} characters`, () => {
		for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(COLUMNS[paper]);
		expect(Math.max(...lines.map((l) => l.length))).toBe(COLUMNS[paper]); // the rules span the paper
	});

	it('prints £, accented names and the typography in the code page it selected', () => {
		expect(text).toContain('Hearth & Home');
		expect(text).toContain('12 Rue de la Paix');
		expect(text).toMatch(/Café crème mug M/);
		expect(text).toMatch(/2 x £8\.50 +£17\.00/);
		expect(text).toMatch(/Gold -7 % +-£1\.19/);
		expect(text).toMatch(/500 points used +-£5\.00/);
		expect(text).toMatch(/TOTAL +£35\.81/);
		expect(text).toMatch(/Coupon SPRING not used/);
		expect(text).toContain('Customer: José Müller');
		expect(text).toMatch(/Points earned +35/);
		expect(text).toMatch(/Points redeemed +500/);
		expect(text).toMatch(/Points balance +1204/);
		expect(text).toMatch(/Receipt CAM-7F3K-000123/);
		expect(text).toMatch(/01\/07\/2025, 12:30  Till 2/); // 11:30 UTC is 12:30 in London in July
		expect(text).toContain('Served by Zoë');
		expect(text).toContain('Merci, à bientôt');
		expect(text).not.toContain('\ufffd');
		expect(text).not.toContain('?');
		// £ is byte 0x9C in CP437, the table the encoder picks first.
		const pound = bytes.indexOf(0x9c);
		expect(pound).toBeGreaterThan(0);
	});

	it('prints the receipt number as a CODE128 barcode (GS k 73) that fits the paper', () => {
		const [barcode] = only(events, 'barcode');
		expect(barcode).toMatchObject({ symbology: 73, data: 'CAM-7F3K-000123' });
		// Modules: start, 10 in set B, a switch, 3 pairs in set C, check, stop (13) = 178.
		expect(178 * barcode.module).toBeLessThanOrEqual(paper === 58 ? 384 : 576);
		const gsk = bytes.findIndex((b, i) => b === 0x1d && bytes[i + 1] === 0x6b && bytes[i + 2] === 73);
		expect(gsk).toBeGreaterThan(0);
	});
});

describe('receipt options', () => {
	it('leaves the customer’s name off when the setting says so, keeping their points', () => {
		const text = printedLines(decodeEscPos(encodeReceipt(sale, { shop, customer, layout: { ...layout, showCustomer: false }, target: target(80) }))).join('\n');
		expect(text).not.toContain('José');
		expect(text).toMatch(/Points balance +1204/);
	});

	it('prints € and accents in one explicit code page (CP858 is ESC t 19 on Epson)', () => {
		const euro = { ...sale, currency: 'EUR' };
		const bytes = encodeReceipt(euro, { shop: { ...shop, currency: 'EUR', locale: 'fr-FR' }, customer, layout, target: target(80, 'cp858') });
		const events = decodeEscPos(bytes);
		// Every letter in CP858; the encoder's rules (box drawing ─) alone go through CP437.
		let table = -1;
		const nonAscii: [string, number][] = [];
		for (const e of events) {
			if (e.kind === 'codepage') table = e.table;
			if (e.kind === 'text' && /[^\x20-\x7e]/.test(e.text)) nonAscii.push([e.text, table]);
		}
		// The accented name, the euro signs and the rules are all there to be checked.
		expect(nonAscii.some(([t]) => t.includes('€'))).toBe(true);
		expect(nonAscii.some(([t]) => /[éü]/.test(t))).toBe(true);
		expect(nonAscii.some(([t]) => /^─+$/.test(t))).toBe(true);
		expect(nonAscii).toEqual(nonAscii.map(([t]) => [t, /^─+$/.test(t) ? 0 : 19]));
		const text = printedLines(events).join('\n');
		// fr-FR writes "17,00 €" with a narrow no-break space, printed as a plain space.
		expect(text).toMatch(/2 x 8,50 € +17,00 €/);
		expect(text).toContain('Customer: José Müller');
		expect(bytes).toContain(0xd5); // € in CP858
	});

	it('prints a refund with its original receipt and a negative total turned positive', () => {
		const refund: Sale = { ...sale, id: 'r1', receiptNo: 'CAM-7F3K-000124', refundOf: 's1', refundOfReceipt: 'CAM-7F3K-000123',
			lines: [{ ...sale.lines[0], qty: -1, discount: -60 }], payments: [{ method: 'card', amount: -790 }], subtotal: -850,
			discountTotal: -60, pointsValue: 0, total: -790, change: 0, pointsRedeemed: 0, pointsEarned: -7, coupons: [] };
		const text = printedLines(decodeEscPos(encodeReceipt(refund, { shop, layout, target: target(58) }))).join('\n');
		expect(text).toContain('REFUND');
		expect(text).toContain('of receipt CAM-7F3K-000123');
		expect(text).toMatch(/TOTAL REFUNDED +£7\.90/);
		expect(text).toMatch(/Points taken back +7/);
	});

	it('makes a test page with every awkward character', () => {
		const events = decodeEscPos(encodeTestPage({ shopName: 'Hearth & Home', printerName: 'EPSON TM-T20III', layout, target: target(58) }));
		const text = printedLines(events).join('\n');
		expect(text).toContain('Pound £ Euro € Cent ¢');
		expect(text).toContain('Café Crème, Müller');
		expect(text).toContain('Ñandú, Søren, Åse');
		expect(only(events, 'barcode')[0].data).toBe('TEST-0001');
		expect(only(events, 'cut')).toHaveLength(1);
	});
});

describe('helpers', () => {
	it('puts an even run of trailing digits into code set C', () => {
		expect(code128Data('CAM-7F3K-000123')).toBe('{BCAM-7F3K-{C\x00\x01\x17');
		expect(code128Data('AB-12')).toBe('{BAB-12');
		expect(code128Data('X12345')).toBe('{BX1{C\x17\x2d');
		expect(code128Data('123456')).toBe('{C\x0c\x22\x38');
	});
	it('replaces typography no code page has', () => {
		expect(printable('Gold −7 % “VIP” … 2 × 3 12\u202f000')).toBe('Gold -7 % "VIP" ... 2 x 3 12 000');
		expect(printable('José Müller £ €')).toBe('José Müller £ €');
	});
});
