// Catalogue import from spreadsheets, reported row by row like the customer import: a row with
// any problem is left out whole and listed with its spreadsheet row number, column and value.
import { feed, type ParsedCsv, type RowSink } from '../csv';
import type { RowProblem, RowProblemCode } from '../customer-csv';
import { messageFor, type FieldError } from '../errors';
import { fold } from '../text';
import { columnMapper, labelsOf, mappedColumns, type FieldSpec } from '../column-map';
import { parseMoney, skuKey, validateItem, type ItemContext, type ItemDraft } from './items';
import type { Item, RedeemMode } from './types';

export type ItemImportField =
	| 'sku'
	| 'barcode'
	| 'name'
	| 'brand'
	| 'category'
	| 'variant'
	| 'price'
	| 'cost'
	| 'redeem'
	| 'pointsPrice'
	| 'active';

export type ItemColumnMapping = (ItemImportField | null)[];

export const ITEM_IMPORT_FIELDS: FieldSpec<ItemImportField>[] = [
	{ field: 'sku', label: 'SKU', synonyms: ['sku', 'item code', 'product code', 'article number', 'art no', 'code', 'ref', 'reference', 'style code', 'artikelnummer', 'référence'] },
	{ field: 'barcode', label: 'Barcode', synonyms: ['barcode', 'ean', 'ean13', 'ean 13', 'upc', 'gtin', 'bar code', 'strichcode', 'code barre', 'code-barres'] },
	{ field: 'name', label: 'Name', synonyms: ['name', 'item', 'item name', 'product', 'product name', 'title', 'description', 'artikel', 'bezeichnung', 'produit', 'nom', 'designation'] },
	{ field: 'brand', label: 'Brand', synonyms: ['brand', 'make', 'manufacturer', 'vendor', 'label', 'marke', 'hersteller', 'marque', 'marca'] },
	{ field: 'category', label: 'Category', synonyms: ['category', 'department', 'dept', 'type', 'product type', 'group', 'kategorie', 'warengruppe', 'catégorie', 'rayon', 'categoría'] },
	{ field: 'variant', label: 'Size or variant', synonyms: ['variant', 'size', 'size or variant', 'option', 'colour', 'color', 'größe', 'groesse', 'taille', 'talla', 'volume'] },
	{ field: 'price', label: 'Price', synonyms: ['price', 'retail price', 'selling price', 'sale price', 'unit price', 'rrp', 'price incl vat', 'price inc vat', 'preis', 'verkaufspreis', 'prix', 'prix de vente', 'precio'] },
	{ field: 'cost', label: 'Cost', synonyms: ['cost', 'cost price', 'unit cost', 'purchase price', 'buying price', 'wholesale price', 'einkaufspreis', 'ek', 'prix d achat', 'coste'] },
	{ field: 'redeem', label: 'Points payment', synonyms: ['points payment', 'redeem', 'redeemable', 'redeem with points', 'pay with points', 'points redeemable'] },
	{ field: 'pointsPrice', label: 'Points price', synonyms: ['points price', 'price in points', 'points', 'points needed', 'points cost'] },
	{ field: 'active', label: 'Active', synonyms: ['active', 'enabled', 'for sale', 'on sale', 'status', 'aktiv', 'actif'] }
];

const LABELS = labelsOf(ITEM_IMPORT_FIELDS);

export const autoMapItems: (headers: string[]) => ItemColumnMapping = columnMapper(ITEM_IMPORT_FIELDS);

const REDEEM_WORDS = new Map<string, RedeemMode>();
for (const [mode, words] of [
	['none', ['', 'none', 'no', 'n', '0', 'false', 'never']],
	['partial', ['partial', 'part', 'partly', 'some']],
	['full', ['full', 'whole', 'yes', 'y', '1', 'true', 'wholly']]
] as const) {
	for (const w of words) REDEEM_WORDS.set(fold(w), mode);
}

const ACTIVE_WORDS = new Map<string, boolean>();
for (const w of ['', 'yes', 'y', 'true', '1', 'active', 'enabled', 'on', 'ja', 'oui']) ACTIVE_WORDS.set(fold(w), true);
for (const w of ['no', 'n', 'false', '0', 'inactive', 'disabled', 'off', 'archived', 'discontinued', 'nein', 'non']) ACTIVE_WORDS.set(fold(w), false);

export interface ItemImportContext extends ItemContext {
	currency: string;
}

export interface PreparedItemImport {
	valid: { rowNumber: number; item: Item }[];
	problems: RowProblem[];
	invalidRowCount: number;
}

/** Which import column a validation error's field comes from. */
const FIELD_OF_ERROR: Record<string, ItemImportField> = {
	sku: 'sku', barcode: 'barcode', name: 'name', price: 'price', cost: 'cost', redeem: 'redeem', pointsPrice: 'pointsPrice'
};

export function itemImport(headers: string[], mapping: ItemColumnMapping, ctx: ItemImportContext): RowSink<PreparedItemImport> {
	const { header, cell } = mappedColumns(headers, mapping, LABELS);
	const skuRow = new Map<string, number>();
	const barcodeRow = new Map<string, number>();
	const valid: PreparedItemImport['valid'] = [];
	const problems: RowProblem[] = [];
	let invalidRowCount = 0;

	return {
		add(row, rowNumber) {
			if (row.every((c) => c.trim() === '')) return;
			const get = (f: ItemImportField) => cell(row, f);
			const rowProblems: RowProblem[] = [];
			const problem = (f: ItemImportField, code: RowProblemCode, message: string, value = get(f)) =>
				rowProblems.push({ rowNumber, field: header(f), value, code, message });
			const fieldError = (f: ItemImportField, e: FieldError, value = get(f)) => problem(f, e.code, messageFor(e), value);

			const money = (f: 'price' | 'cost'): number => {
				const text = get(f);
				if (text === '') return 0;
				const n = parseMoney(text, ctx.currency);
				if (n === null) fieldError(f, { field: f, code: 'money-unreadable', params: { value: text } });
				return n ?? NaN;
			};
			const price = money('price');
			const cost = money('cost');

			const redeemText = get('redeem');
			let redeem = REDEEM_WORDS.get(fold(redeemText));
			const pointsText = get('pointsPrice');
			let pointsPrice = 0;
			if (pointsText !== '') {
				pointsPrice = /^\d+$/.test(pointsText.replace(/[\s,]/g, '')) ? Number(pointsText.replace(/[\s,]/g, '')) : NaN;
				if (Number.isNaN(pointsPrice)) fieldError('pointsPrice', { field: 'pointsPrice', code: 'points-invalid' });
				// A points price without a word about redeeming means the item can be paid wholly with points.
				if (redeemText === '' && pointsPrice > 0) redeem = 'full';
			}
			if (redeem === undefined) {
				fieldError('redeem', { field: 'redeem', code: 'redeem-unreadable', params: { value: redeemText } });
				redeem = 'none';
			}
			const activeText = get('active');
			const active = ACTIVE_WORDS.get(fold(activeText));
			if (active === undefined) {
				fieldError('active', { field: 'active', code: 'active-unreadable', params: { value: activeText } });
			}

			const draft: ItemDraft = {
				sku: get('sku'), barcode: get('barcode'), name: get('name'), brand: get('brand'), category: get('category'),
				variant: get('variant'), price, cost, redeem, pointsPrice: Number.isNaN(pointsPrice) ? 0 : pointsPrice,
				active: active ?? true
			};
			const checked = validateItem(draft, ctx);
			const alreadyReported = new Set(rowProblems.map((p) => p.field));
			for (const e of checked.errors) {
				const f = FIELD_OF_ERROR[e.field] ?? 'name';
				// An unreadable amount was reported already; 'no price' on top of it would say less.
				if (alreadyReported.has(header(f)) && (f === 'price' || f === 'cost')) continue;
				fieldError(f, e);
			}

			// Every row claims its SKU and barcode, valid or not: twice in one file is ambiguous either way.
			const item = checked.item;
			if (item.sku !== '') {
				const k = skuKey(item.sku);
				const first = skuRow.get(k);
				if (first === undefined) skuRow.set(k, rowNumber);
				else fieldError('sku', { field: 'sku', code: 'sku-duplicate-in-file', params: { sku: item.sku, row: String(first) } });
			}
			if (item.barcode !== '') {
				const first = barcodeRow.get(item.barcode);
				if (first === undefined) barcodeRow.set(item.barcode, rowNumber);
				else {
					fieldError('barcode', { field: 'barcode', code: 'barcode-duplicate-in-file', params: { barcode: item.barcode, row: String(first) } });
				}
			}

			if (rowProblems.length === 0) valid.push({ rowNumber, item });
			else {
				problems.push(...rowProblems);
				invalidRowCount++;
			}
		},
		result: () => ({ valid, problems, invalidRowCount })
	};
}

export function prepareItemImport(csv: ParsedCsv, mapping: ItemColumnMapping, ctx: ItemImportContext): PreparedItemImport {
	return feed(itemImport(csv.headers, mapping, ctx), csv);
}
