// Opening balances: what a customer bought before this shop used the app (the previous system's
// "Total Spent", "Total Orders", points and last order date), brought in once by a customer import.
// An opening balance is one figure per customer, never a list of invented sales: statistics count
// it (domain/sales/stats.ts), the profile and the points ledger show it as what it is.
//
// Its date: the last order date when the file gives one (the history it summarises ends there),
// else the day of the import. Windowed figures (the 12 months, a tier's or a rule's window) count
// it when that date is inside the window; all-time figures always count it.
//
// Counting the same history twice with the previous till's sales import is avoided there: a sale
// for a customer with an opening balance, dated on or before that balance's date, is history the
// balance already holds and is left out (domain/sales/sales-csv.ts, coveredUntil).

/** The figures a file gives; at least one is set. Money in minor units. */
export interface OpeningFigures {
	spend: number;
	orders: number;
	points: number;
	/** 'YYYY-MM-DD' of the last order in the previous system; '' when the file has none. */
	lastOrderDate: string;
}

export interface OpeningBalance extends OpeningFigures {
	customerId: string;
	/** ISO instant of the import that brought it. */
	at: string;
	/** Where it came from, e.g. 'import customers.csv'. */
	source: string;
}

export function sameFigures(a: OpeningFigures | null | undefined, b: OpeningFigures | null | undefined): boolean {
	if (!a || !b) return !a && !b;
	return a.spend === b.spend && a.orders === b.orders && a.points === b.points && a.lastOrderDate === b.lastOrderDate;
}

export function hasFigures(f: OpeningFigures): boolean {
	return f.spend !== 0 || f.orders !== 0 || f.points !== 0 || f.lastOrderDate !== '';
}

/**
 * The shop-zone day an opening balance is dated at: its last order date, else the day of the
 * import (`importDay`, 'YYYY-MM-DD' in the shop's zone).
 */
export function openingDay(o: Pick<OpeningBalance, 'lastOrderDate'>, importDay: string): string {
	return o.lastOrderDate !== '' ? o.lastOrderDate : importDay;
}

/** The instant used for "last visit" from a date-only last order: midday UTC stays on that date in every zone within ±12 h. */
export function openingInstant(day: string): string {
	return `${day}T12:00:00.000Z`;
}

export function importSource(fileName: string): string {
	return fileName ? `import ${fileName}` : 'import';
}
