// The demo shop's catalogue and sales history: seeded, so the same seed gives the same shop on
// every machine (tests, benchmarks, "Load demo shop"). Built directly rather than through
// priceCart/finaliseSale, since half a million sales must come out in a few seconds; the tests
// check that every generated sale obeys the same arithmetic as a sale rung up at the till.
import { ean13CheckDigit } from '../demo';
import { seededIds } from '../ids';
import { Rng } from '../random';
import type { Store } from '../settings';
import { pointsFor } from './cart';
import { buildRefund } from './refund';
import { saleTotals } from './totals';
import { deviceCode, receiptNumber, storeCode } from './receipt';
import { DEFAULT_LOYALTY, type Item, type LoyaltySettings, type Payment, type RedeemMode, type Sale, type SaleLine } from './types';

type Product = [name: string, price: number, variants: string[], redeem?: RedeemMode];

const CATALOGUE: { category: string; brands: string[]; margin: [number, number]; products: Product[] }[] = [
	{
		category: 'Clothing',
		brands: ['Hebden Knitwear', 'Coastline', 'Fenwick & Hale'],
		margin: [0.45, 0.6],
		products: [
			['Merino jumper', 6900, ['S', 'M', 'L', 'XL']],
			['Organic cotton T-shirt', 2400, ['S', 'M', 'L', 'XL']],
			['Oxford shirt', 4500, ['S', 'M', 'L']],
			['Breton top', 3200, ['XS', 'S', 'M', 'L']],
			['Lambswool scarf', 3500, ['One size'], 'partial'],
			['Ribbed beanie', 1800, ['One size'], 'full'],
			['Wool socks', 1200, ['4-7', '8-11'], 'full']
		]
	},
	{
		category: 'Home',
		brands: ['Potters Lane', 'Hearth & Wick', 'Nordic Loom'],
		margin: [0.5, 0.65],
		products: [
			['Stoneware mug', 1450, ['Blue', 'Sage', 'Oat'], 'full'],
			['Scented candle', 2200, ['Fig', 'Cedar', 'Sea salt'], 'full'],
			['Linen tea towel', 1100, ['Natural', 'Stripe'], 'partial'],
			['Wool throw', 8900, ['Grey', 'Mustard']],
			['Cushion cover', 2800, ['45 cm', '60 cm']]
		]
	},
	{
		category: 'Food',
		brands: ['Hearth Bakery', 'Dales Larder', 'Two Hills Coffee'],
		margin: [0.3, 0.45],
		products: [
			['Walnut loaf', 420, ['800 g']],
			['Sourdough', 450, ['800 g']],
			['Strawberry jam', 525, ['340 g'], 'partial'],
			['Wildflower honey', 799, ['227 g', '454 g'], 'partial'],
			['Coffee beans', 995, ['250 g', '1 kg'], 'partial'],
			['Breakfast tea', 450, ['80 bags'], 'partial'],
			['Sea salt chocolate', 350, ['100 g'], 'full'],
			['Olive oil', 1200, ['500 ml']]
		]
	},
	{
		category: 'Beauty',
		brands: ['Wild Thyme', 'Salt & Stone'],
		margin: [0.55, 0.7],
		products: [
			['Hand cream', 1250, ['50 ml', '100 ml'], 'partial'],
			['Olive soap', 650, ['100 g'], 'full'],
			['Lip balm', 550, ['15 ml'], 'full']
		]
	}
];

/** About 120 items of a UK lifestyle shop (clothing, home, food, beauty); some redeemable with points. */
export function generateItems(seed: number): Item[] {
	const rng = new Rng(seed);
	const ids = seededIds(seed ^ 0x17e5);
	const items: Item[] = [];
	let n = 0;
	for (const group of CATALOGUE) {
		for (const brand of group.brands) {
			const tier = rng.pick([0.9, 1, 1, 1.15]);
			for (const [name, base, variants, redeem = 'none'] of group.products) {
				// Not every brand makes everything: keeps the catalogue at about 120 items.
				if (rng.chance(0.1)) continue;
				const price = endPrice(Math.round(base * tier));
				for (const variant of variants) {
					n++;
					const digits12 = '50' + String(60000 + n).padStart(5, '0') + String(rng.int(0, 99999)).padStart(5, '0');
					const margin = group.margin[0] + rng.next() * (group.margin[1] - group.margin[0]);
					items.push({
						id: ids(),
						sku: `${sku(group.category)}-${sku(brand)}-${String(n).padStart(4, '0')}`,
						barcode: digits12 + ean13CheckDigit(digits12),
						name,
						brand,
						category: group.category,
						variant,
						price,
						cost: Math.round(price * (1 - margin)),
						redeem,
						// Redeeming at a penny a point: the points price of a whole item is its price, rounded up to 50.
						pointsPrice: redeem === 'none' ? 0 : Math.ceil(price / 50) * 50,
						active: rng.chance(0.95)
					});
				}
			}
		}
	}
	return items;
}

function sku(word: string): string {
	return word.replace(/[^A-Za-z]/g, '').slice(0, 3).toUpperCase();
}

/** Shop prices end in .99, .50 or .00 above £5, .25/.50/.75/.99 below. */
function endPrice(p: number): number {
	if (p >= 500) {
		const pounds = Math.floor(p / 100);
		const ends = [99, 50, 0];
		return pounds * 100 + ends[pounds % 3];
	}
	return Math.max(99, Math.round(p / 25) * 25);
}

// ---- Sales ---------------------------------------------------------------------------------

export interface DemoDevice {
	id: string;
	name: string;
	storeId: string;
}

export interface SalesDemoOptions {
	seed: number;
	customers: { id: string; registeredAt: string; storeId?: string }[];
	items: Item[];
	stores: Store[];
	devices: DemoDevice[];
	/** ISO instants bounding the history. */
	from: string;
	to: string;
	salesPerCustomerAvg: number;
	loyalty?: LoyaltySettings;
}

/**
 * The demo shop's history as "Load demo shop" writes it: about two years up to `now`, one till per
 * store. `customers` in the order the shop's table lists them (by id). The benchmarks that seed a
 * relay with the same shop call this too, so both hold the same kind of history.
 */
export function demoShopSales(opts: {
	seed: number;
	customers: SalesDemoOptions['customers'];
	items: Item[];
	stores: Store[];
	now: Date;
	salesPerCustomer: number;
}): Sale[] {
	const { now, stores } = opts;
	return generateSales({
		seed: opts.seed,
		customers: opts.customers,
		items: opts.items,
		stores,
		devices: stores.map((st, i) => ({ id: `demo-till-${i + 1}`, name: `${st.name} till`, storeId: st.id })),
		from: new Date(now.getTime() - 2 * 365 * 86_400_000).toISOString(),
		to: now.toISOString(),
		salesPerCustomerAvg: opts.salesPerCustomer
	});
}

const CASHIERS = ['Sam', 'Priya', 'Tom', 'Aisha', 'Ewan', 'Grace', 'Olu', 'Megan'];
// December trade and the January lull; the rest of the year near even.
const MONTH_WEIGHT = [0.7, 0.75, 0.9, 0.95, 1, 0.95, 1, 1, 0.9, 1, 1.2, 1.7];
const BASKET_SIZES: [number, number][] = [[1, 40], [2, 30], [3, 15], [4, 10], [5, 5]];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A seeded history: 1–5 line baskets leaning to each customer's favourite brands, seasonality,
 * discounts with reasons, points earned per the loyalty settings and sometimes redeemed, and
 * about 2% of sales later partly refunded. Sorted by time; receipt numbers count per device.
 */
export function generateSales(opts: SalesDemoOptions): Sale[] {
	const rng = new Rng(opts.seed);
	const ids = seededIds(opts.seed ^ 0x5a1e);
	const loyalty = opts.loyalty ?? DEFAULT_LOYALTY;
	const items = opts.items.filter((i) => i.active && i.price > 0);
	if (items.length === 0 || opts.devices.length === 0) return [];
	const byBrand = new Map<string, Item[]>();
	for (const i of items) {
		let list = byBrand.get(i.brand);
		if (!list) byBrand.set(i.brand, (list = []));
		list.push(i);
	}
	const brands = [...byBrand.keys()];
	const devicesByStore = new Map<string, DemoDevice[]>();
	for (const d of opts.devices) {
		let list = devicesByStore.get(d.storeId);
		if (!list) devicesByStore.set(d.storeId, (list = []));
		list.push(d);
	}
	const from = Date.parse(opts.from);
	const to = Date.parse(opts.to);
	const sales: { t: number; sale: Sale; device: DemoDevice }[] = [];

	for (const c of opts.customers) {
		const start = Math.max(from, Date.parse(c.registeredAt) || from);
		if (start >= to) continue;
		const n = Math.round(rng.next() * rng.next() * 4 * opts.salesPerCustomerAvg);
		if (n === 0) continue;
		const favourites = [rng.pick(brands), rng.pick(brands)];
		const homeDevices = devicesByStore.get(c.storeId ?? '') ?? opts.devices;
		const times: number[] = [];
		while (times.length < n) {
			const t = start + rng.next() * (to - start);
			const month = new Date(t).getUTCMonth();
			if (rng.next() * 1.7 > MONTH_WEIGHT[month]) continue;
			// Opening hours: 09:00–17:59 (UTC; close enough to UK time for a demo).
			times.push(Math.floor(t / DAY) * DAY + (9 + rng.int(0, 8)) * HOUR + rng.int(0, 3599) * 1000);
		}
		times.sort((a, b) => a - b);
		let balance = 0;
		for (const t of times) {
			if (t >= to) continue;
			const device = rng.chance(0.85) ? rng.pick(homeDevices) : rng.pick(opts.devices);
			const sale = basket(rng, ids(), t, c.id, device, favourites, byBrand, items, loyalty, balance);
			balance += sale.pointsEarned - sale.pointsRedeemed;
			sales.push({ t, sale, device });
			if (rng.chance(0.02)) {
				const rt = t + rng.int(1, 20) * DAY;
				if (rt < to) {
					const lineIndex = rng.int(0, sale.lines.length - 1);
					const r = buildRefund(sale, [], [{ lineIndex, qty: 1 }], {
						id: ids(), receiptNo: '', at: '', deviceId: device.id, deviceName: device.name, cashier: rng.pick(CASHIERS)
					});
					if (r.ok) {
						balance += r.sale.pointsEarned - r.sale.pointsRedeemed;
						sales.push({ t: rt, sale: r.sale, device });
					}
				}
			}
		}
	}

	sales.sort((a, b) => a.t - b.t);
	const seq = new Map<string, number>();
	const codes = new Map<string, string>();
	const taken = new Set<string>();
	for (const d of opts.devices) {
		const code = deviceCode(d.id, taken);
		taken.add(code);
		codes.set(d.id, code);
	}
	const receiptOf = new Map<string, string>();
	const out: Sale[] = new Array(sales.length);
	for (let i = 0; i < sales.length; i++) {
		const { t, sale, device } = sales[i];
		const s = (seq.get(device.id) ?? 0) + 1;
		seq.set(device.id, s);
		sale.receiptNo = receiptNumber(storeCode(device.storeId), codes.get(device.id)!, s);
		sale.at = new Date(t).toISOString();
		sale.storeId = device.storeId;
		if (sale.refundOf) sale.refundOfReceipt = receiptOf.get(sale.refundOf);
		else receiptOf.set(sale.id, sale.receiptNo);
		out[i] = sale;
	}
	return out;
}

function basket(
	rng: Rng,
	id: string,
	t: number,
	customerId: string,
	device: DemoDevice,
	favourites: string[],
	byBrand: Map<string, Item[]>,
	items: Item[],
	loyalty: LoyaltySettings,
	balance: number
): Sale {
	const size = rng.weighted(BASKET_SIZES);
	const lines: SaleLine[] = [];
	const seen = new Set<string>();
	const promo = rng.chance(0.08) ? rng.pick(['Staff 10%', 'Spring promotion', 'Loyalty 10%']) : '';
	let pointsLeft = rng.chance(0.15) ? balance : 0;
	for (let k = 0; k < size; k++) {
		const pool = rng.chance(0.6) ? (byBrand.get(rng.pick(favourites)) ?? items) : items;
		const item = rng.pick(pool);
		if (seen.has(item.id)) continue;
		seen.add(item.id);
		const qty = rng.weighted<number>([[1, 85], [2, 12], [3, 3]]);
		const gross = item.price * qty;
		const discount = promo ? Math.round(gross / 10) : 0;
		const net = gross - discount;
		let points = 0;
		let value = 0;
		if (pointsLeft > 0 && item.redeem === 'partial') {
			points = Math.min(pointsLeft, Math.floor(net / loyalty.pointValue));
			value = points * loyalty.pointValue;
		} else if (pointsLeft >= item.pointsPrice && item.redeem === 'full') {
			const units = Math.min(qty, Math.floor(pointsLeft / item.pointsPrice));
			points = units * item.pointsPrice;
			value = units === qty ? net : Math.floor((net * units) / qty);
		}
		pointsLeft -= points;
		lines.push({
			itemId: item.id, sku: item.sku, name: item.name, brand: item.brand, category: item.category, variant: item.variant,
			qty, unitPrice: item.price, unitCost: item.cost, discount, discountReason: promo, pointsRedeemed: points, pointsValue: value
		});
	}
	const { subtotal, discountTotal, pointsValue, pointsRedeemed, total } = saleTotals(lines);
	const payments: Payment[] = [];
	let change = 0;
	if (total > 0) {
		if (rng.chance(0.2)) {
			const note = total <= 500 ? 500 : total <= 1000 ? 1000 : total <= 2000 ? 2000 : Math.ceil(total / 5000) * 5000;
			payments.push({ method: 'cash', amount: note });
			change = note - total;
		} else payments.push({ method: 'card', amount: total });
	}
	if (pointsValue > 0) payments.push({ method: 'points', amount: pointsValue });
	return {
		id, receiptNo: '', at: '', storeId: device.storeId, deviceId: device.id, deviceName: device.name,
		cashier: CASHIERS[rng.int(0, CASHIERS.length - 1)], customerId, lines, payments, subtotal, discountTotal, pointsValue,
		total, change, pointsRedeemed,
		pointsEarned: Math.max(0, pointsFor(loyalty.earnOnRedeemed ? total + pointsValue : total, loyalty)),
		refundOf: null, currency: 'GBP'
	};
}
