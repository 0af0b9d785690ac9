// The demo shop: a seeded, realistic UK customer base for "Load demo shop", tests and benchmarks.
// Same seed, same customers, on every machine. Everything it makes is already in stored form
// (what validateCustomer returns), and unique where the app requires it (phones, emails, cards).
// Phones use Ofcom's drama range (07700 900xxx) first, so small demos contain no real numbers.
import type { Address, ConsentChannel, ConsentSource, CustomerDraft, Gender } from './customer';
import type { Store } from './settings';
import { Rng } from './random';
import { seededIds } from './ids';
import { fold } from './text';
import { ean13CheckDigit } from './cards';

export interface DemoOptions {
	seed: number;
	count: number;
	/** ISO instant: registrations and consents all lie before it. */
	now: string;
	stores: Store[];
	/** Who recorded the consents; by default one of a few staff names, or 'Website' for online. */
	recordedBy?: string;
}

/** The seed of "Load demo shop" (and of the benchmarks that write the same shop). */
export const DEMO_SEED = 20261123;

export const DEMO_STORES: Store[] = [
	{ id: 'camden', name: 'Camden' },
	{ id: 'brighton', name: 'Brighton' },
	{ id: 'leeds', name: 'Leeds' }
];

// The check digit lives with the card numbers; re-exported for the demo data that uses it.
export { ean13CheckDigit };

// ---- Weighted tables: cumulative weights built once, so a pick is one random number -----------

interface Table<T> {
	items: T[];
	cumulative: number[];
	total: number;
}

function table<T>(entries: readonly [T, number][]): Table<T> {
	const items: T[] = [];
	const cumulative: number[] = [];
	let total = 0;
	for (const [item, w] of entries) {
		total += w;
		items.push(item);
		cumulative.push(total);
	}
	return { items, cumulative, total };
}

function draw<T>(rng: Rng, t: Table<T>): T {
	const r = rng.next() * t.total;
	let lo = 0;
	let hi = t.cumulative.length - 1;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (t.cumulative[mid] > r) hi = mid;
		else lo = mid + 1;
	}
	return t.items[lo];
}

// Roughly the mix of a British high street, with accented names at plausible (low) frequency.
const FEMALE = table<string>([
	['Olivia', 30], ['Amelia', 28], ['Isla', 22], ['Ava', 22], ['Emily', 30], ['Sophie', 25], ['Grace', 22],
	['Mia', 18], ['Poppy', 14], ['Ella', 18], ['Lily', 18], ['Jessica', 20], ['Charlotte', 22], ['Hannah', 18],
	['Sarah', 25], ['Emma', 22], ['Rebecca', 15], ['Laura', 18], ['Claire', 12], ['Rachel', 14], ['Helen', 14],
	['Susan', 12], ['Margaret', 10], ['Patricia', 8], ['Chloe', 15], ['Aisha', 10], ['Fatima', 8], ['Priya', 10],
	['Anjali', 5], ['Niamh', 8], ['Aoife', 5], ['Agnieszka', 4], ['Maria', 10], ['Mei', 4], ['Yasmin', 8],
	['Zoë', 6], ['Chloé', 4], ['Renée', 3], ['Siobhán', 5], ['Ana', 4]
]);
const MALE = table<string>([
	['Oliver', 30], ['George', 28], ['Harry', 25], ['Jack', 28], ['Noah', 20], ['Leo', 18], ['Arthur', 15],
	['Muhammad', 18], ['Thomas', 25], ['James', 30], ['William', 22], ['Daniel', 22], ['David', 25],
	['Michael', 20], ['Paul', 15], ['Mark', 15], ['Peter', 12], ['John', 18], ['Robert', 14], ['Christopher', 15],
	['Matthew', 16], ['Ryan', 12], ['Liam', 12], ['Connor', 8], ['Callum', 8], ['Mohammed', 10], ['Ahmed', 8],
	['Raj', 6], ['Arjun', 6], ['Kwame', 4], ['Chinedu', 3], ['Dylan', 8], ['Rhys', 6], ['Piotr', 5],
	['José', 6], ['Łukasz', 5], ['Søren', 3], ['Seán', 4], ['François', 3], ['Jürgen', 2]
]);
const LAST = table<string>([
	['Smith', 40], ['Jones', 32], ['Taylor', 25], ['Brown', 25], ['Williams', 25], ['Wilson', 18],
	['Johnson', 16], ['Davies', 18], ['Robinson', 12], ['Wright', 14], ['Thompson', 14], ['Evans', 15],
	['Walker', 12], ['White', 12], ['Roberts', 12], ['Green', 11], ['Hall', 11], ['Wood', 10], ['Jackson', 10],
	['Clarke', 10], ['Patel', 18], ['Khan', 14], ['Singh', 10], ['Ahmed', 8], ['Hussain', 8], ['Lewis', 10],
	['Hughes', 10], ['Edwards', 10], ['Murphy', 9], ['Kelly', 7], ['Campbell', 8], ['Stewart', 8],
	['MacDonald', 6], ['Scott', 8], ['Morris', 9], ['Cooper', 9], ['King', 9], ['Baker', 9], ['Harris', 10],
	['Martin', 9], ['Thomas', 10], ['Moore', 9], ['Nowak', 5], ['Kowalski', 4], ['Silva', 4], ['Nguyen', 4],
	['Chen', 5], ['Wang', 4], ['Okafor', 4], ['Mensah', 3], ['Ferreira', 3], ['Rossi', 3], ['Andersen', 2],
	["O'Brien", 6], ["O'Connor", 5], ['Müller', 3], ['García', 4], ['Núñez', 3], ['Rodríguez', 3],
	['Smith-Jones', 2]
]);

const GENDER_OF_FEMALE_NAME = table<Gender>([['female', 90], ['not-stated', 9], ['other', 1]]);
const GENDER_OF_MALE_NAME = table<Gender>([['male', 90], ['not-stated', 9], ['other', 1]]);

interface Area {
	city: string;
	region: string;
	outward: string[];
	streets: string[];
}

const AREAS: Record<string, Area> = {
	camden: {
		city: 'London',
		region: '',
		outward: ['NW1', 'NW1', 'NW3', 'NW5', 'NW6', 'NW8', 'N1', 'N7', 'N19', 'WC1H', 'WC1X'],
		streets: ['Camden High Street', 'Parkway', 'Delancey Street', 'Kentish Town Road', 'Chalk Farm Road',
			'Albert Street', 'Arlington Road', 'Royal College Street', 'Agar Grove', 'Prince of Wales Road']
	},
	brighton: {
		city: 'Brighton',
		region: 'East Sussex',
		outward: ['BN1', 'BN1', 'BN2', 'BN2', 'BN3', 'BN41', 'BN42'],
		streets: ['Queen’s Road', 'Western Road', 'North Street', 'Marine Parade', 'Ditchling Road', 'Preston Road',
			'Lewes Road', 'Church Road', 'Kings Road', 'Dyke Road']
	},
	leeds: {
		city: 'Leeds',
		region: 'West Yorkshire',
		outward: ['LS1', 'LS2', 'LS6', 'LS7', 'LS8', 'LS11', 'LS12', 'LS16', 'LS17', 'LS28'],
		streets: ['Briggate', 'Headingley Lane', 'Otley Road', 'Roundhay Road', 'Kirkstall Road', 'Chapeltown Road',
			'Harrogate Road', 'Wellington Street', 'Street Lane', 'Town Street']
	}
};
const AREA_LIST = Object.values(AREAS);

// A fifth of addresses are elsewhere: people move, study or shop while visiting.
const ELSEWHERE: { city: string; region: string; outward: string }[] = [
	{ city: 'Manchester', region: 'Greater Manchester', outward: 'M1' },
	{ city: 'Birmingham', region: 'West Midlands', outward: 'B1' },
	{ city: 'Bristol', region: '', outward: 'BS1' },
	{ city: 'Edinburgh', region: '', outward: 'EH1' },
	{ city: 'Cardiff', region: '', outward: 'CF10' },
	{ city: 'Oxford', region: 'Oxfordshire', outward: 'OX1' },
	{ city: 'Norwich', region: 'Norfolk', outward: 'NR2' },
	{ city: 'York', region: 'North Yorkshire', outward: 'YO1' }
];
const COMMON_STREETS = ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Park Road', 'Mill Lane',
	'The Crescent', 'Green Lane', 'Albert Road', 'London Road'];

// Inward codes never use C, I, K, M, O or V.
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

// UK mobile ranges that libphonenumber's full metadata treats as allocated; 0762x (Isle of Man)
// and 076 (pagers) are left out so every number parses as GB.
const MOBILE_PREFIXES = ['7400', '7411', '7424', '7446', '7480', '7501', '7512', '7535', '7557', '7581',
	'7703', '7712', '7725', '7738', '7747', '7752', '7766', '7774', '7788', '7799', '7802', '7811', '7825',
	'7834', '7846', '7851', '7869', '7877', '7885', '7894', '7903', '7912', '7928', '7939', '7944', '7956',
	'7960', '7971', '7985', '7999'];

export const DEMO_TAGS = ['vip', 'newsletter', 'wholesale', 'staff', 'local', 'online'] as const;
const TAG_WEIGHTS = table<string>([['vip', 15], ['newsletter', 30], ['wholesale', 5], ['staff', 4], ['local', 30], ['online', 16]]);
const NOTES = ['Prefers oat milk', 'Allergic to nuts', 'Collects on Saturdays', 'Ask about the new range',
	'Wheelchair user: ground-floor fitting room', 'Regular since the shop opened', 'Likes a call when stock arrives',
	'Invoice to company', 'Gift wrapping every time', 'Hard of hearing: speak clearly'];
const SOURCES = table<ConsentSource>([['till', 55], ['back-office', 15], ['online', 30]]);
const STAFF = ['Sam', 'Priya', 'Tom', 'Aoife', 'Marek', 'Jade'];
const DOMAINS = ['example.com', 'example.org', 'example.net'];
const FIVE_YEARS_MS = 5 * 365.25 * 24 * 3600 * 1000;

function pad(n: number, width: number): string {
	return String(n).padStart(width, '0');
}

export function generateCustomers(opts: DemoOptions): CustomerDraft[] {
	const rng = new Rng(opts.seed);
	// Address ids come from their own stream, so adding a field here later does not reshuffle them.
	const addressId = seededIds(opts.seed ^ 0x5eed1d5);
	const nowMs = Date.parse(opts.now);
	const storeTable = table<Store | null>(
		opts.stores.length === 0 ? [[null, 1]] : opts.stores.map((s, i) => [s, i === 0 ? 4 : 3] as [Store, number])
	);
	const emailCounters = new Map<string, number>();
	let phones = 0;
	let cards = 0;
	const out: CustomerDraft[] = new Array(opts.count);

	for (let i = 0; i < opts.count; i++) {
		const female = rng.chance(0.52);
		const firstName = draw(rng, female ? FEMALE : MALE);
		const lastName = draw(rng, LAST);
		const gender = draw(rng, female ? GENDER_OF_FEMALE_NAME : GENDER_OF_MALE_NAME);
		const store = draw(rng, storeTable);
		const storeIndex = store ? opts.stores.indexOf(store) : 0;
		const area = (store && AREAS[store.id]) || AREA_LIST[storeIndex % AREA_LIST.length];

		const registeredMs = nowMs - Math.floor(rng.next() * FIVE_YEARS_MS);
		const registeredAt = new Date(registeredMs).toISOString();

		const phone = rng.chance(0.9) ? mobile(phones++) : '';
		const email = rng.chance(0.8) ? emailFor(rng, firstName, lastName, emailCounters) : '';
		const birthDate = rng.chance(0.85) ? birthDateFor(rng) : '';

		const addressCount = draw(rng, ADDRESS_COUNTS);
		const addresses: Address[] = [];
		for (let a = 0; a < addressCount; a++) addresses.push(addressFor(rng, area, a, addressId()));

		const cardList = rng.chance(0.7) ? [cardNumber(cards++)] : [];

		const consents: CustomerDraft['consents'] = {};
		const consent = (channel: ConsentChannel, pRecorded: number, pGranted: number) => {
			if (!rng.chance(pRecorded)) return;
			const source = draw(rng, SOURCES);
			consents[channel] = {
				status: rng.chance(pGranted) ? 'granted' : 'withdrawn',
				date: new Date(registeredMs + Math.floor(rng.next() * (nowMs - registeredMs))).toISOString(),
				source,
				recordedBy: opts.recordedBy ?? (source === 'online' ? 'Website' : rng.pick(STAFF))
			};
		};
		if (email) consent('email', 0.75, 0.85);
		if (phone) consent('sms', 0.5, 0.7);
		if (addresses.length > 0) consent('post', 0.3, 0.6);

		const tags: string[] = [];
		if (rng.chance(0.3)) {
			const n = rng.chance(0.75) ? 1 : 2;
			for (let t = 0; t < n; t++) {
				const tag = draw(rng, TAG_WEIGHTS);
				if (!tags.includes(tag)) tags.push(tag);
			}
		}
		const notes = rng.chance(0.05) ? rng.pick(NOTES) : '';

		out[i] = {
			firstName,
			lastName,
			email,
			phone,
			birthDate,
			gender,
			addresses,
			defaultAddressId: addresses.length > 0 ? addresses[0].id : null,
			cards: cardList,
			consents,
			tags,
			notes,
			storeId: store ? store.id : '',
			registeredAt
		};
	}
	return out;
}

const ADDRESS_COUNTS = table<number>([[0, 35], [1, 55], [2, 10]]);

/** The n-th demo mobile: Ofcom's drama range for the first 1000, then real-looking ranges. */
function mobile(n: number): string {
	if (n < 1000) return '+447700900' + pad(n, 3);
	const k = n - 1000;
	const prefix = MOBILE_PREFIXES[k % MOBILE_PREFIXES.length];
	// Multiplying by a number coprime to 10^6 permutes the subscriber part, so numbers stay unique
	// without looking sequential.
	const subscriber = (Math.floor(k / MOBILE_PREFIXES.length) * 7919 + 104_729) % 1_000_000;
	return '+44' + prefix + pad(subscriber, 6);
}

function cardNumber(n: number): string {
	// 10^10 and 7919 are coprime, so this is a permutation of the 10-digit sequence numbers.
	const seq = (n * 7919 + 1_234_567) % 10_000_000_000;
	const first12 = '20' + pad(seq, 10);
	return first12 + ean13CheckDigit(first12);
}

function asciiName(s: string): string {
	return fold(s).replace(/[^a-z]/g, '');
}

function emailFor(rng: Rng, first: string, last: string, counters: Map<string, number>): string {
	const f = asciiName(first);
	const l = asciiName(last);
	const style = rng.int(0, 3);
	const base = style === 0 ? `${f}.${l}` : style === 1 ? `${f}${l}` : style === 2 ? `${f[0]}${l}` : `${f}_${l}`;
	const domain = rng.pick(DOMAINS);
	// The number keeps addresses unique: a counter per local part and domain, starting somewhere random.
	const key = base + '@' + domain;
	const next = counters.get(key) ?? rng.int(1, 90);
	counters.set(key, next + 1);
	return `${base}${next}@${domain}`;
}

function birthDateFor(rng: Rng): string {
	// Triangular: most customers are middle-aged, a few born in 1940 or 2008.
	const year = 1940 + Math.floor((69 * (rng.next() + rng.next())) / 2);
	const month = rng.int(1, 12);
	const day = rng.int(1, new Date(Date.UTC(year, month, 0)).getUTCDate());
	return `${year}-${pad(month, 2)}-${pad(day, 2)}`;
}

function addressFor(rng: Rng, area: Area, index: number, id: string): Address {
	const local = rng.chance(0.8);
	const elsewhere = local ? null : rng.pick(ELSEWHERE);
	const outward = elsewhere ? elsewhere.outward : rng.pick(area.outward);
	const inward = `${rng.int(1, 9)}${INWARD_LETTERS[rng.int(0, 19)]}${INWARD_LETTERS[rng.int(0, 19)]}`;
	return {
		id,
		label: index === 0 ? 'Home' : 'Work',
		line1: `${rng.int(1, 180)} ${elsewhere ? rng.pick(COMMON_STREETS) : rng.pick(area.streets)}`,
		line2: rng.chance(0.25) ? `Flat ${rng.int(1, 40)}` : '',
		city: elsewhere ? elsewhere.city : area.city,
		region: elsewhere ? elsewhere.region : area.region,
		postcode: `${outward} ${inward}`,
		country: 'GB'
	};
}
