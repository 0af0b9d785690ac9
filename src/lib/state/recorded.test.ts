import { describe, expect, it } from 'vitest';
import type { Sale } from '$lib/domain/sales/types';
import type { Customer } from '$lib/domain/customer';
import { recorded, rememberRecorded } from './recorded';

const sale = (id: string) => ({ id, receiptNo: `R-${id}` }) as unknown as Sale;
const ann = { id: 'c1', firstName: 'Ann' } as unknown as Customer;

describe('the sales a till has just recorded', () => {
	it('hands the receipt the sale and customer it recorded, and nothing for a sale it did not', () => {
		rememberRecorded(sale('s1'), ann);
		expect(recorded('s1')).toEqual({ sale: sale('s1'), customer: ann });
		expect(recorded('elsewhere')).toBeUndefined();
	});

	it('keeps only the last eight, so a till open all week holds no more than that', () => {
		for (let i = 0; i < 20; i++) rememberRecorded(sale(`k${i}`), null);
		expect(recorded('k11')).toBeUndefined();
		expect(recorded('k12')?.sale.id).toBe('k12');
		expect(recorded('k19')?.sale.id).toBe('k19');
	});
});
