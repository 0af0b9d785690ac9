// One column auto-mapping for every import (customers, items, sales): a file's headers are matched
// to fields by their labels and synonyms, folded so accents, case, hyphens and spaces do not matter
// ('E-Mail', 'Prénom', 'FIRSTNAME'); each field is given to one column at most.
import { unguardCell } from './csv';
import { fold } from './text';

export interface FieldSpec<F extends string> {
	field: F;
	label: string;
	synonyms: string[];
}

export type Mapping<F extends string> = (F | null)[];

function key(header: string): string {
	return fold(header).replace(/ /g, '');
}

/**
 * `prefixes`: decorations other systems put before a header ('Default Address City', 'Customer
 * Email'); a header matches after one is taken off, once no column matches the field exactly.
 */
export function columnMapper<F extends string>(
	fields: readonly FieldSpec<F>[],
	prefixes: readonly string[] = []
): (headers: string[]) => Mapping<F> {
	const byKey = new Map<string, F>();
	for (const f of fields) for (const s of [f.label, ...f.synonyms]) if (!byKey.has(key(s))) byKey.set(key(s), f.field);
	const prefixKeys = prefixes.map(key);
	return (headers) => {
		const mapping: Mapping<F> = headers.map(() => null);
		const used = new Set<F>();
		const take = (i: number, field: F | undefined) => {
			if (!field || used.has(field)) return false;
			mapping[i] = field;
			used.add(field);
			return true;
		};
		// Exact matches first, so 'Phone' wins over a decorated 'Default Address Phone' before it.
		headers.forEach((h, i) => take(i, byKey.get(key(h))));
		headers.forEach((h, i) => {
			if (mapping[i] !== null) return;
			const k = key(h);
			for (const p of prefixKeys) {
				if (k.startsWith(p) && k.length > p.length && take(i, byKey.get(k.slice(p.length)))) return;
			}
		});
		return mapping;
	};
}

/** field → label, for messages that name the column a field would come from. */
export function labelsOf<F extends string>(fields: readonly FieldSpec<F>[]): Map<F, string> {
	return new Map(fields.map((f) => [f.field, f.label]));
}

/**
 * How a row sink reads a mapped file: the column of each field (the first one mapped to it), the
 * header to name in a problem, and a row's cell for a field (trimmed, formula guard undone).
 */
export function mappedColumns<F extends string>(headers: string[], mapping: Mapping<F>, labels: Map<F, string>) {
	const col = new Map<F, number>();
	mapping.forEach((f, i) => {
		if (f && !col.has(f)) col.set(f, i);
	});
	const headerAt = (i: number | undefined, f: F) => (i !== undefined && headers[i]) || labels.get(f) || f;
	return {
		col,
		headerAt,
		header: (f: F) => headerAt(col.get(f), f),
		cell: (row: string[], f: F) => {
			const i = col.get(f);
			return i === undefined ? '' : unguardCell(row[i] ?? '').trim();
		}
	};
}
