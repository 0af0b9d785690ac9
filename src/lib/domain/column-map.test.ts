import { describe, expect, it } from 'vitest';
import { columnMapper } from './column-map';
import { autoMap } from './customer-csv';
import { autoMapItems } from './sales/items-csv';
import { autoMapSales } from './sales/sales-csv';

describe('columnMapper: the one auto-mapping of every import', () => {
	const map = columnMapper(
		[
			{ field: 'email', label: 'Email', synonyms: ['e-mail', 'mail'] },
			{ field: 'city', label: 'City', synonyms: ['town'] }
		],
		['default address', 'customer']
	);

	it('matches labels and synonyms whatever the case, accents, hyphens and spaces', () => {
		expect(map(['E-MAIL', 'Town', 'Other'])).toEqual(['email', 'city', null]);
		expect(map(['  Mail ', 'CITY'])).toEqual(['email', 'city']);
	});

	it('gives each field to one column only, exact matches before decorated ones', () => {
		expect(map(['Customer Email', 'Email'])).toEqual([null, 'email']);
		expect(map(['Default Address City', 'Customer E-mail', 'Town'])).toEqual([null, 'email', 'city']);
		expect(map(['Email', 'Mail'])).toEqual(['email', null]);
	});

	it('serves the customer, item and sales imports', () => {
		expect(autoMap(['Prénom', 'Nachname', 'Default Address Postcode'])).toEqual(['firstName', 'lastName', 'postcode']);
		expect(autoMapItems(['EAN', 'Product name', 'RRP'])).toEqual(['barcode', 'name', 'price']);
		expect(autoMapSales(['Receipt no', 'Qty', 'Customer card'])).toEqual(['receiptNo', 'qty', 'card']);
	});
});
