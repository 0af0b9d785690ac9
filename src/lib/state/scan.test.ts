import { describe, expect, it } from 'vitest';
import { resolveScan } from './scan';
import { emptyDraft, type Customer } from '$lib/domain/customer';
import type { Item } from '$lib/domain/sales/types';

const jane: Customer = { ...emptyDraft('2026-11-23T10:00:00.000Z', 'main'), id: 'c1', updatedAt: '', firstName: 'Jane', cards: ['2900000000075'] };
const scarf = { id: 'i1', sku: 'SCARF', barcode: '5012345678900', name: 'Scarf' } as Item;

const lookups = {
	findByCard: async (card: string) => (jane.cards.includes(card) ? jane : undefined),
	findItem: async (code: string) => (code === scarf.barcode || code === '2900000000075' ? scarf : undefined)
};

describe('resolveScan', () => {
	it('finds the customer holding a card, whatever spacing it was typed with', async () => {
		expect(await resolveScan(' 2900-0000 00075 ', lookups)).toEqual({ kind: 'customer', customer: jane, card: '2900000000075' });
	});

	it('prefers the customer when an item has the same code', async () => {
		expect((await resolveScan('2900000000075', lookups)).kind).toBe('customer');
	});

	it('names an item by its barcode where items are looked up', async () => {
		expect(await resolveScan('5012345678900', lookups)).toEqual({ kind: 'item', item: scarf, code: '5012345678900' });
	});

	it('calls an unknown readable code a card to assign (items not looked up off the till)', async () => {
		expect(await resolveScan('5012345678900', { findByCard: lookups.findByCard })).toEqual({ kind: 'unknown-card', card: '5012345678900' });
		expect(await resolveScan('2900000000082', lookups)).toEqual({ kind: 'unknown-card', card: '2900000000082' });
	});

	it('recognises a pairing code or the owner’s pairing link', async () => {
		expect(await resolveScan('https://shop.example/settings/devices?pair=WXYZ-2345', lookups)).toEqual({ kind: 'pairing', code: 'WXYZ-2345' });
		expect(await resolveScan('wxyz2345', lookups)).toEqual({ kind: 'pairing', code: 'WXYZ-2345' });
	});

	it('does not take an 8-digit card for a pairing code', async () => {
		expect(await resolveScan('23456789', lookups)).toEqual({ kind: 'unknown-card', card: '23456789' });
	});

	it('calls anything else unreadable', async () => {
		expect(await resolveScan('https://example.com/menu', lookups)).toEqual({ kind: 'unreadable', text: 'https://example.com/menu' });
		expect(await resolveScan('  ', lookups)).toEqual({ kind: 'unreadable', text: '' });
	});
});
