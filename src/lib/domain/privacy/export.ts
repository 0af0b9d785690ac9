// "Export personal data" (a subject access request): everything the shop holds about one customer,
// in ONE file. JSON, because it is complete and machine-readable (the customer may take it to
// another shop), with a `summary` field of plain text that reads like a letter, so a person can read
// it in any text viewer. One file rather than a JSON and a text download (browsers ask about, or
// block, a second download) and rather than a zip (a compressor library for one file the customer
// should be able to open anywhere).
import type { Customer } from '$lib/domain/customer';
import { defaultAddress, fullName } from '$lib/domain/customer';
import type { ConsentEvent } from './consent';
import type { PointAdjustment, Sale } from '$lib/domain/sales/types';
import type { CustomerStats } from '$lib/domain/sales/stats';
import type { MembershipEvent } from '$lib/domain/groups/types';
import { formatDateTime } from '$lib/domain/dates';
import { formatMoney } from '$lib/domain/sales/items';
import type { OpeningBalance } from '$lib/domain/opening';

export const EXPORT_FORMAT = 'shop-crm/personal-data';
export const EXPORT_VERSION = 1;

export interface GroupInfoForExport {
	key: string;
	name: string;
	levelName: string | null;
	since: string | null;
	/** Added by hand (not by a rule). */
	manual: boolean;
}

export interface PersonalDataInput {
	customer: Customer;
	consentHistory: readonly ConsentEvent[];
	sales: readonly Sale[];
	adjustments: readonly PointAdjustment[];
	stats: CustomerStats | null;
	groups: readonly GroupInfoForExport[];
	membershipHistory: readonly MembershipEvent[];
	/** Membership key → readable name, for the history. */
	groupNames: Record<string, string>;
	shop: { name: string; timeZone: string; currency: string; stores: { id: string; name: string }[] };
	exportedAt: string;
	exportedBy: string;
	/** What an import brought from the previous system, if anything. */
	opening?: OpeningBalance | null;
	/** Customers merged into this one (the same person): their records as they were kept. */
	mergedFrom?: readonly { customer: Customer; mergedAt: string; mergedBy: string }[];
}

export interface PersonalDataExport {
	format: typeof EXPORT_FORMAT;
	version: typeof EXPORT_VERSION;
	exportedAt: string;
	exportedBy: string;
	shop: string;
	/** The same content as below, as readable text. */
	summary: string;
	profile: Omit<Customer, 'consents' | 'cards' | 'addresses' | 'notes'>;
	addresses: Customer['addresses'];
	cards: string[];
	consents: { current: Customer['consents']; history: ConsentEvent[] };
	notes: string;
	sales: Sale[];
	pointsLedger: { balance: number; adjustments: PointAdjustment[]; perSale: { saleId: string; receiptNo: string; at: string; earned: number; redeemed: number }[] };
	statistics: CustomerStats | null;
	groups: { current: GroupInfoForExport[]; history: (MembershipEvent & { name: string })[] };
	openingBalance: OpeningBalance | null;
	mergedFrom: { customer: Customer; mergedAt: string; mergedBy: string }[];
}

/** The whole export: the data as stored, plus a readable summary of it. */
export function assemblePersonalData(input: PersonalDataInput): PersonalDataExport {
	const { customer, shop } = input;
	const { consents, cards, addresses, notes, ...profile } = customer;
	const sales = [...input.sales].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
	const perSale = sales
		.filter((s) => s.pointsEarned !== 0 || s.pointsRedeemed !== 0)
		.map((s) => ({ saleId: s.id, receiptNo: s.receiptNo, at: s.at, earned: s.pointsEarned, redeemed: s.pointsRedeemed }));
	const balance =
		input.stats?.pointsBalance ??
		perSale.reduce((n, s) => n + s.earned - s.redeemed, 0) + input.adjustments.reduce((n, a) => n + a.points, 0);
	const history = input.membershipHistory.map((e) => ({ ...e, name: input.groupNames[e.key] ?? 'a deleted group' }));
	const out: Omit<PersonalDataExport, 'summary'> = {
		format: EXPORT_FORMAT,
		version: EXPORT_VERSION,
		exportedAt: input.exportedAt,
		exportedBy: input.exportedBy,
		shop: shop.name,
		profile,
		addresses,
		cards,
		consents: { current: consents, history: [...input.consentHistory] },
		notes,
		sales,
		pointsLedger: { balance, adjustments: [...input.adjustments], perSale },
		statistics: input.stats,
		groups: { current: [...input.groups], history },
		openingBalance: input.opening ?? null,
		mergedFrom: [...(input.mergedFrom ?? [])]
	};
	return { ...out, summary: summaryText(out, input) };
}

function summaryText(data: Omit<PersonalDataExport, 'summary'>, input: PersonalDataInput): string {
	const { timeZone, currency } = input.shop;
	const when = (iso: string) => formatDateTime(iso, timeZone);
	const money = (minor: number) => formatMoney(minor, currency);
	const c = input.customer;
	const store = input.shop.stores.find((s) => s.id === c.storeId)?.name;
	const lines: string[] = [];
	const section = (title: string) => lines.push('', title.toUpperCase(), '-'.repeat(title.length));
	lines.push(`Personal data held by ${input.shop.name} about ${fullName(c) || 'this customer'}`);
	lines.push(`Exported ${when(input.exportedAt)} by ${input.exportedBy}.`);

	section('Profile');
	lines.push(`Name: ${fullName(c) || '(none)'}`);
	lines.push(`Email: ${c.email || '(none)'}`);
	lines.push(`Phone: ${c.phone || '(none)'}`);
	lines.push(`Date of birth: ${c.birthDate || '(not recorded)'}`);
	lines.push(`Gender: ${c.gender}`);
	lines.push(`Registered: ${when(c.registeredAt)}${store ? ` at ${store}` : ''}`);
	lines.push(`Last changed: ${when(c.updatedAt)}`);
	if (c.tags.length) lines.push(`Tags: ${c.tags.join(', ')}`);

	section('Addresses');
	if (c.addresses.length === 0) lines.push('None.');
	const main = defaultAddress(c);
	for (const a of c.addresses) {
		const parts = [a.line1, a.line2, a.city, a.region, a.postcode, a.country].filter(Boolean).join(', ');
		lines.push(`${a.label || 'Address'}${a === main ? ' (default)' : ''}: ${parts}`);
	}

	section('Cards');
	lines.push(c.cards.length ? c.cards.join(', ') : 'None.');

	section('Marketing consent');
	const current = Object.entries(c.consents);
	if (current.length === 0) lines.push('Never asked.');
	for (const [channel, consent] of current) {
		lines.push(`${channel}: ${consent.status} on ${when(consent.date)} (${consent.source}, recorded by ${consent.recordedBy || 'unknown'})`);
	}
	if (data.consents.history.length) {
		lines.push('History:');
		for (const e of data.consents.history) lines.push(`  ${when(e.date)} ${e.channel} ${e.status} (${e.source}, by ${e.by})`);
	}

	section('Notes');
	lines.push(c.notes || 'None.');

	section(`Purchases (${data.sales.length})`);
	for (const s of data.sales) {
		const items = s.lines.map((l) => `${l.qty} × ${l.name}`).join(', ');
		lines.push(`${when(s.at)} receipt ${s.receiptNo}${s.refundOf ? ' (refund)' : ''}: ${money(s.total)}${items ? ` — ${items}` : ''}`);
	}
	if (data.sales.length === 0) lines.push('None.');

	section('Points');
	lines.push(`Balance: ${data.pointsLedger.balance}`);
	for (const p of data.pointsLedger.perSale) lines.push(`${when(p.at)} receipt ${p.receiptNo}: +${p.earned} −${p.redeemed}`);
	for (const a of data.pointsLedger.adjustments) lines.push(`${when(a.at)} adjustment ${a.points > 0 ? '+' : ''}${a.points}: ${a.reason} (by ${a.by})`);

	if (data.openingBalance) {
		const o = data.openingBalance;
		section('Opening balance');
		lines.push(`From ${o.source} on ${when(o.at)}: ${money(o.spend)} over ${o.orders} orders, ${o.points} points${o.lastOrderDate ? `, last order ${o.lastOrderDate}` : ''}`);
	}

	if (data.mergedFrom.length) {
		section('Records merged into this one');
		for (const m of data.mergedFrom) {
			const r = m.customer;
			const contact = [r.email, r.phone, ...r.cards].filter(Boolean).join(', ');
			lines.push(`${fullName(r) || '(no name)'}${contact ? ` (${contact})` : ''}, merged ${when(m.mergedAt)} by ${m.mergedBy}${r.notes ? `; notes: ${r.notes}` : ''}`);
		}
	}

	section('Groups');
	if (data.groups.current.length === 0) lines.push('None.');
	for (const g of data.groups.current) {
		lines.push(`${g.name}${g.levelName ? ` — ${g.levelName}` : ''}${g.manual ? ' (added by hand)' : ''}${g.since ? ` since ${when(g.since)}` : ''}`);
	}
	if (data.groups.history.length) {
		lines.push('History:');
		for (const e of data.groups.history) lines.push(`  ${when(e.at)} ${e.change} ${e.name}${e.by ? ` (by ${e.by})` : ''}`);
	}
	return lines.join('\n') + '\n';
}

/** A file name without personal data: the customer's id, not their name, goes in it. */
export function exportFileName(customerId: string, exportedAt: string): string {
	return `personal-data-${customerId}-${exportedAt.slice(0, 10)}.json`;
}
