// Customer import from and export to spreadsheets. Import is all-or-nothing per row: a row with
// any problem is reported with its spreadsheet row number and left out, so nothing is half-imported
// and the shop can fix the file and import the reported rows again.
import {
	CONSENT_CHANNELS,
	emptyDraft,
	type Address,
	type ConsentChannel,
	type Customer,
	type CustomerDraft,
	type Gender
} from './customer';
import type { Store } from './settings';
import { feed, toCsv, type ParsedCsv, type RowSink } from './csv';
import { messageFor, type ErrorCode } from './errors';
import { formatPhone } from './phone';
import { fold } from './text';
import { validateCustomer } from './validate';
import { newId } from './ids';
import { columnMapper, labelsOf, mappedColumns, type FieldSpec } from './column-map';
import { hasFigures, type OpeningFigures } from './opening';
import { parseMoney } from './sales/items';

export type ImportField =
	| 'firstName'
	| 'lastName'
	| 'fullName'
	| 'email'
	| 'phone'
	| 'birthDate'
	| 'gender'
	| 'cards'
	| 'line1'
	| 'line2'
	| 'city'
	| 'region'
	| 'postcode'
	| 'country'
	| 'tags'
	| 'notes'
	| 'store'
	| 'registeredAt'
	| 'consentEmail'
	| 'consentSms'
	| 'consentPost'
	// An opening balance (domain/opening.ts): the previous system's figures for this customer.
	| 'totalSpent'
	| 'totalOrders'
	| 'points'
	| 'lastOrderDate';

/** One entry per CSV column; null = ignore the column. */
export type ColumnMapping = (ImportField | null)[];

export interface ImportContext {
	defaultCountry: string;
	/** 'YYYY-MM-DD' in the shop's time zone, for birth-date checks. */
	today: string;
	/** ISO instant: registeredAt when the file has none, and the date of imported consents. */
	now: string;
	stores: Store[];
	recordedBy: string;
	/** Address ids; seeded in tests. Defaults to newId. */
	newId?: () => string;
	/** ISO 4217, for reading "Total Spent"; GBP when not given. */
	currency?: string;
}

export type RowProblemCode =
	| ErrorCode
	| 'date-unreadable'
	| 'gender-unreadable'
	| 'consent-unreadable'
	| 'store-unknown'
	| 'row-empty';

export interface RowProblem {
	rowNumber: number;
	/** The column's header as the file has it, e.g. 'Email'. */
	field: string;
	value: string;
	code: RowProblemCode;
	message: string;
}

export interface PreparedRow {
	rowNumber: number;
	draft: CustomerDraft;
	/** The opening balance the row's Total Spent / Total Orders / Points / Last order date give. */
	opening?: OpeningFigures;
}

export interface PreparedImport {
	valid: PreparedRow[];
	problems: RowProblem[];
	invalidRowCount: number;
}

// Synonyms are written as people write headers; column-map.ts folds them.
export const IMPORT_FIELDS: FieldSpec<ImportField>[] = [
	{
		field: 'firstName',
		label: 'First name',
		synonyms: ['first name', 'firstname', 'given name', 'forename', 'forenames', 'first', 'fname', 'christian name',
			'prénom', 'vorname', 'nombre', 'nome', 'voornaam', 'imię']
	},
	{
		field: 'lastName',
		label: 'Last name',
		synonyms: ['last name', 'lastname', 'surname', 'family name', 'last', 'lname', 'nachname', 'familienname',
			'nom de famille', 'nom', 'apellido', 'apellidos', 'cognome', 'achternaam', 'nazwisko']
	},
	{
		field: 'fullName',
		label: 'Full name',
		synonyms: ['name', 'full name', 'customer name', 'customer', 'contact name', 'client name', 'display name',
			'nom complet', 'vollständiger name', 'nombre completo']
	},
	{
		field: 'email',
		label: 'Email',
		synonyms: ['email', 'e-mail', 'email address', 'e-mail address', 'mail', 'e-mail-adresse', 'emailadresse',
			'courriel', 'adresse email', 'adresse e-mail', 'correo', 'correo electrónico']
	},
	{
		field: 'phone',
		label: 'Phone',
		synonyms: ['phone', 'phone number', 'mobile', 'mobile number', 'mobile phone', 'tel', 'tel.', 'telephone',
			'telephone number', 'cell', 'cell phone', 'cellphone', 'contact number', 'telefon', 'telefonnummer', 'handy',
			'mobil', 'téléphone', 'portable', 'teléfono', 'móvil', 'celular']
	},
	{
		field: 'birthDate',
		label: 'Date of birth',
		synonyms: ['date of birth', 'dob', 'd.o.b.', 'birthday', 'birth date', 'birthdate', 'born', 'geburtsdatum',
			'geburtstag', 'date de naissance', 'fecha de nacimiento', 'data di nascita']
	},
	{
		field: 'gender',
		label: 'Gender',
		synonyms: ['gender', 'sex', 'geschlecht', 'genre', 'sexe', 'género', 'sexo', 'sesso']
	},
	{
		field: 'cards',
		label: 'Card numbers',
		synonyms: ['card', 'cards', 'card number', 'card numbers', 'card no', 'card no.', 'loyalty card',
			'loyalty card number', 'loyalty number', 'loyalty id', 'member number', 'membership number', 'member id',
			'membership id', 'customer card', 'barcode', 'kundenkarte', 'kartennummer', 'karte', 'carte',
			'carte fidélité', 'numéro de carte', 'tarjeta', 'número de tarjeta']
	},
	{
		field: 'line1',
		label: 'Address line 1',
		synonyms: ['address line 1', 'address', 'address 1', 'address1', 'street', 'street address', 'street address 1',
			'line 1', 'adresse', 'straße', 'strasse', 'dirección', 'calle', 'indirizzo']
	},
	{
		field: 'line2',
		label: 'Address line 2',
		synonyms: ['address line 2', 'address 2', 'address2', 'street address 2', 'line 2', 'adresszusatz',
			'complément d’adresse']
	},
	{
		field: 'city',
		label: 'City',
		synonyms: ['city', 'town', 'town/city', 'post town', 'locality', 'ort', 'stadt', 'wohnort', 'ville', 'ciudad',
			'città']
	},
	{
		field: 'region',
		label: 'Region',
		synonyms: ['region', 'county', 'state', 'province', 'province code', 'state code', 'state/province',
			'bundesland', 'département', 'provincia']
	},
	{
		field: 'postcode',
		label: 'Postcode',
		synonyms: ['postcode', 'post code', 'postal code', 'zip', 'zip code', 'zipcode', 'plz', 'postleitzahl',
			'code postal', 'código postal', 'cap', 'eircode']
	},
	{
		field: 'country',
		label: 'Country',
		synonyms: ['country', 'country code', 'land', 'pays', 'país', 'paese']
	},
	{
		field: 'tags',
		label: 'Tags',
		synonyms: ['tags', 'tag', 'labels', 'label', 'keywords', 'schlagworte', 'étiquettes', 'etiquetas']
	},
	{
		field: 'notes',
		label: 'Notes',
		synonyms: ['notes', 'note', 'comments', 'comment', 'memo', 'remarks', 'bemerkung', 'bemerkungen', 'notiz',
			'notizen', 'remarques', 'notas']
	},
	{
		field: 'store',
		label: 'Store',
		synonyms: ['store', 'store name', 'store id', 'shop', 'branch', 'location', 'home store', 'registered store',
			'filiale', 'geschäft', 'magasin', 'boutique', 'tienda', 'sucursal']
	},
	{
		field: 'registeredAt',
		label: 'Registered at',
		synonyms: ['registered at', 'registered', 'registration date', 'date registered', 'created', 'created at',
			'creation date', 'date created', 'customer since', 'member since', 'joined', 'date joined', 'signup date',
			'sign up date', 'anmeldedatum', 'erstellt', 'date d’inscription', 'fecha de alta']
	},
	{
		field: 'consentEmail',
		label: 'Email consent',
		synonyms: ['email consent', 'email opt in', 'email optin', 'email opt-in', 'email marketing',
			'accepts email marketing', 'accepts marketing', 'email subscription status', 'email marketing consent',
			'newsletter consent', 'marketing emails', 'e-mail-einwilligung']
	},
	{
		field: 'consentSms',
		label: 'SMS consent',
		synonyms: ['sms consent', 'sms opt in', 'sms optin', 'sms opt-in', 'sms marketing', 'accepts sms marketing',
			'sms marketing consent', 'sms subscription status', 'text consent', 'text message consent',
			'text marketing']
	},
	{
		field: 'consentPost',
		label: 'Post consent',
		synonyms: ['post consent', 'postal consent', 'mail consent', 'direct mail consent', 'post opt in',
			'postal marketing', 'accepts postal marketing', 'postal marketing consent', 'direct mail']
	},
	{
		field: 'totalSpent',
		label: 'Total spent (opening balance)',
		synonyms: ['total spent', 'total spend', 'amount spent', 'spent', 'lifetime spend', 'lifetime value', 'total sales',
			'total purchases', 'sales total', 'gesamtumsatz', 'umsatz', 'montant total', 'total gastado']
	},
	{
		field: 'totalOrders',
		label: 'Total orders (opening balance)',
		synonyms: ['total orders', 'orders', 'orders count', 'order count', 'number of orders', 'total transactions',
			'transactions', 'total visits', 'visits', 'purchases', 'bestellungen', 'anzahl bestellungen', 'commandes']
	},
	{
		field: 'points',
		label: 'Points (opening balance)',
		synonyms: ['points', 'points balance', 'point balance', 'loyalty points', 'loyalty balance', 'reward points',
			'punkte', 'punktestand', 'points fidélité', 'puntos']
	},
	{
		field: 'lastOrderDate',
		label: 'Last order date (opening balance)',
		synonyms: ['last order date', 'last order', 'last purchase', 'last purchase date', 'last visit', 'last visit date',
			'last order at', 'last sale', 'last sale date', 'letzter einkauf', 'dernier achat']
	}
];

const LABELS = labelsOf(IMPORT_FIELDS);

// Exports from other systems decorate headers ('Default Address City', 'Customer Email').
export const autoMap: (headers: string[]) => ColumnMapping = columnMapper(IMPORT_FIELDS, ['default address',
	'billing address', 'shipping address', 'customer', 'client', 'contact', 'billing', 'default', 'primary', 'home', 'main']);

// ---- Reading cells ---------------------------------------------------------------------

type DateResult = { ok: true; ymd: string } | { ok: false };

// A time after the date is allowed and ignored, with or without a zone ('2024-03-05 10:22:11 +0000'
// in Shopify's exports): the date is read as written, in the zone the exporting system wrote it in.
const ISO_DATE_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]*(?:Z| ?[+-]\d{2}:?\d{2})?)?$/;
const LOCAL_DATE_RE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2,4})$/;

/**
 * 'YYYY-MM-DD', 'DD/MM/YYYY', 'DD.MM.YYYY', 'DD-MM-YYYY', or 'MM/DD/YYYY' for US shops.
 * Two-digit years are refused: '03/04/45' could be 1945 or 2045, and a guess would be a silent error.
 */
export function parseDateCell(value: string, defaultCountry: string): DateResult {
	let y: number;
	let m: number;
	let d: number;
	const iso = ISO_DATE_RE.exec(value);
	if (iso) {
		[y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
	} else {
		const local = LOCAL_DATE_RE.exec(value);
		if (!local || local[4].length !== 4) return { ok: false };
		const monthFirst = local[2] !== '.' && defaultCountry.toUpperCase() === 'US';
		y = Number(local[4]);
		m = Number(monthFirst ? local[1] : local[3]);
		d = Number(monthFirst ? local[3] : local[1]);
	}
	if (m < 1 || m > 12 || d < 1 || d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return { ok: false };
	return { ok: true, ymd: `${String(y).padStart(4, '0')}-${pad(m)}-${pad(d)}` };
}

function pad(n: number): string {
	return n < 10 ? '0' + n : String(n);
}

const GENDER_WORDS = new Map<string, Gender>();
for (const [g, words] of [
	['female', ['f', 'female', 'woman', 'w', 'frau', 'weiblich', 'femme', 'mujer', 'femenino', 'féminin', 'ms', 'mrs', 'miss']],
	['male', ['m', 'male', 'man', 'herr', 'mann', 'männlich', 'homme', 'hombre', 'masculino', 'masculin', 'mr']],
	['other', ['other', 'diverse', 'divers', 'd', 'x', 'non binary', 'nonbinary', 'autre', 'otro']],
	['not-stated', ['', 'unknown', 'u', 'prefer not to say', 'not stated', 'not specified', 'unspecified', 'n a', 'none']]
] as const) {
	for (const w of words) GENDER_WORDS.set(fold(w), g);
}

/** Looks up a folded key; the plain lower-case try first spares fold() for the usual 'yes' or 'f'. */
function lookup<T>(map: Map<string, T>, value: string): T | undefined {
	return map.get(value.toLowerCase()) ?? map.get(fold(value));
}

export function parseGenderCell(value: string): Gender | null {
	return lookup(GENDER_WORDS, value) ?? null;
}

type ConsentAnswer = 'granted' | 'withdrawn' | 'none';
const CONSENT_WORDS = new Map<string, ConsentAnswer>();
for (const [answer, words] of [
	['granted', ['yes', 'y', 'true', '1', 'granted', 'opt in', 'opt-in', 'opted in', 'subscribed', 'ja', 'oui', 'sí', 'si']],
	['withdrawn', ['no', 'n', 'false', '0', 'withdrawn', 'opt out', 'opt-out', 'opted out', 'unsubscribed', 'nein', 'non']],
	// "Never asked" is not a refusal: recording a withdrawal the customer never made would be untrue.
	['none', ['', 'not subscribed', 'never subscribed', 'pending', 'unknown']]
] as const) {
	for (const w of words) CONSENT_WORDS.set(fold(w), answer);
}

export function parseConsentCell(value: string): ConsentAnswer | null {
	return lookup(CONSENT_WORDS, value) ?? null;
}

const LIST_SEPARATOR_RE = /[;|,]/;

function splitList(value: string): string[] {
	if (value === '') return [];
	const out: string[] = [];
	for (const part of value.split(LIST_SEPARATOR_RE)) {
		const t = part.trim();
		if (t !== '' && !out.includes(t)) out.push(t);
	}
	return out;
}

const COUNTRY_NAMES = new Map<string, string>();
for (const [code, names] of [
	['GB', ['united kingdom', 'uk', 'great britain', 'britain', 'england', 'scotland', 'wales', 'northern ireland']],
	['IE', ['ireland', 'eire', 'éire']],
	['FR', ['france']],
	['DE', ['germany', 'deutschland']],
	['ES', ['spain', 'españa']],
	['IT', ['italy', 'italia']],
	['NL', ['netherlands', 'the netherlands', 'holland', 'nederland']],
	['BE', ['belgium', 'belgique', 'belgië']],
	['PT', ['portugal']],
	['PL', ['poland', 'polska']],
	['US', ['united states', 'united states of america', 'usa']],
	['CA', ['canada']],
	['AU', ['australia']]
] as const) {
	for (const n of names) COUNTRY_NAMES.set(fold(n), code);
}

function countryCode(value: string, defaultCountry: string): string {
	if (value === '') return defaultCountry.toUpperCase();
	if (/^[a-z]{2}$/i.test(value)) return value.toUpperCase();
	// Unknown names pass through so validation reports them against the Country column.
	return COUNTRY_NAMES.get(fold(value)) ?? value;
}

// ---- Import ----------------------------------------------------------------------------

const ADDRESS_FIELDS = ['line1', 'line2', 'city', 'region', 'postcode', 'country'] as const;
const CONSENT_FIELDS: Record<ConsentChannel, ImportField> = {
	email: 'consentEmail',
	sms: 'consentSms',
	post: 'consentPost'
};

export function customerImport(headers: string[], mapping: ColumnMapping, ctx: ImportContext): RowSink<PreparedImport> {
	const makeId = ctx.newId ?? newId;
	const { col, headerAt, cell } = mappedColumns(headers, mapping, LABELS);
	// A name split from the full-name column is reported against that column.
	const header = (f: ImportField): string =>
		headerAt(col.get(f) ?? (f === 'firstName' || f === 'lastName' ? col.get('fullName') : undefined), f);
	const storeIds = ctx.stores.map((s) => s.id);
	const storeByKey = new Map<string, string>();
	// Names first, then ids, so a store whose id is another store's name resolves by id.
	for (const s of ctx.stores) storeByKey.set(fold(s.name), s.id);
	for (const s of ctx.stores) storeByKey.set(fold(s.id), s.id);
	const validation = { defaultCountry: ctx.defaultCountry, today: ctx.today, storeIds };
	const cardFirstRow = new Map<string, number>();

	const valid: PreparedImport['valid'] = [];
	const problems: RowProblem[] = [];
	let invalidRowCount = 0;

	return {
		add(row, rowNumber) {
			if (row.every((c) => c.trim() === '')) return;
			const get = (f: ImportField) => cell(row, f);
			const rowProblems: RowProblem[] = [];
			const problem = (f: ImportField, value: string, code: RowProblemCode, message: string) =>
				rowProblems.push({ rowNumber, field: header(f), value, code, message });

			if (mapping.every((f, i) => f === null || (row[i] ?? '').trim() === '')) {
				problems.push({
					rowNumber,
					field: '',
					value: '',
					code: 'row-empty',
					message: 'This row has nothing in the columns being imported'
				});
				invalidRowCount++;
				return;
			}

			const draft = emptyDraft(ctx.now);
			draft.firstName = get('firstName');
			draft.lastName = get('lastName');
			if (draft.firstName === '' && draft.lastName === '') {
				const full = get('fullName').replace(/\s+/g, ' ');
				const cut = full.lastIndexOf(' ');
				draft.firstName = cut === -1 ? full : full.slice(0, cut);
				draft.lastName = cut === -1 ? '' : full.slice(cut + 1);
			}
			draft.email = get('email');
			draft.phone = get('phone');
			draft.notes = get('notes');

			const birth = get('birthDate');
			if (birth !== '') {
				const d = parseDateCell(birth, ctx.defaultCountry);
				if (d.ok) draft.birthDate = d.ymd;
				else problem('birthDate', birth, 'date-unreadable', dateMessage(birth, ctx.defaultCountry));
			}

			const genderCell = get('gender');
			const gender = parseGenderCell(genderCell);
			if (gender) draft.gender = gender;
			else {
				problem('gender', genderCell, 'gender-unreadable',
					`“${genderCell}” is not a gender we can read: use female, male, other, or leave it empty`);
			}

			const cardCells = splitList(get('cards'));
			draft.cards = cardCells;
			draft.tags = splitList(get('tags'));

			if (ADDRESS_FIELDS.some((f) => f !== 'country' && get(f) !== '')) {
				const address: Address = {
					id: makeId(),
					label: '',
					line1: get('line1'),
					line2: get('line2'),
					city: get('city'),
					region: get('region'),
					postcode: get('postcode'),
					country: countryCode(get('country'), ctx.defaultCountry)
				};
				draft.addresses = [address];
				draft.defaultAddressId = address.id;
			}

			const store = get('store');
			if (store !== '') {
				const id = lookup(storeByKey, store);
				if (id !== undefined) draft.storeId = id;
				else {
					const names = ctx.stores.map((s) => s.name).join(', ');
					problem('store', store, 'store-unknown',
						`“${store}” is not one of this shop’s stores${names ? ` (${names})` : ''}`);
				}
			}

			const registered = get('registeredAt');
			if (registered !== '') {
				const instant = parseInstantCell(registered, ctx.defaultCountry);
				if (instant) draft.registeredAt = instant;
				else problem('registeredAt', registered, 'date-unreadable', dateMessage(registered, ctx.defaultCountry));
			}

			for (const channel of CONSENT_CHANNELS) {
				const f = CONSENT_FIELDS[channel];
				const v = get(f);
				const answer = parseConsentCell(v);
				if (answer === null) {
					problem(f, v, 'consent-unreadable', `“${v}” is not a consent answer we can read: use yes, no, or leave it empty`);
				} else if (answer !== 'none') {
					draft.consents[channel] = { status: answer, date: ctx.now, source: 'import', recordedBy: ctx.recordedBy };
				}
			}

			const checked = validateCustomer(draft, validation);
			for (const e of checked.errors) {
				const [f, value] = locate(e.field, get, cardCells, e.params);
				rowProblems.push({ rowNumber, field: header(f), value, code: e.code, message: messageFor(e) });
			}

			// Every row claims its cards, valid or not: a card twice in one file is ambiguous either way.
			const seenHere = new Set<string>();
			for (const card of checked.draft.cards) {
				if (seenHere.has(card)) continue;
				seenHere.add(card);
				const first = cardFirstRow.get(card);
				if (first === undefined) cardFirstRow.set(card, rowNumber);
				else {
					const e = { field: 'cards', code: 'card-duplicate-in-file', params: { card, row: String(first) } } as const;
					problem('cards', card, e.code, messageFor(e));
				}
			}

			const opening = readOpening(get, ctx, (f, value, code, params) => {
				rowProblems.push({ rowNumber, field: header(f), value, code, message: messageFor({ field: f, code, params }) });
			});

			if (rowProblems.length === 0) valid.push(opening ? { rowNumber, draft: checked.draft, opening } : { rowNumber, draft: checked.draft });
			else {
				for (const p of rowProblems) problems.push(p);
				invalidRowCount++;
			}
		},
		result: () => ({ valid, problems, invalidRowCount })
	};
}

const OPENING_FIELDS = ['totalSpent', 'totalOrders', 'points', 'lastOrderDate'] as const;
const MAX_ORDERS = 1_000_000;
const MAX_POINTS = 100_000_000;

/** The row's opening balance, or undefined when it has none (every opening column empty or zero). */
function readOpening(
	get: (f: ImportField) => string,
	ctx: ImportContext,
	problem: (f: ImportField, value: string, code: ErrorCode, params?: Record<string, string>) => void
): OpeningFigures | undefined {
	if (OPENING_FIELDS.every((f) => get(f) === '')) return undefined;
	const figures: OpeningFigures = { spend: 0, orders: 0, points: 0, lastOrderDate: '' };
	let ok = true;
	const spent = get('totalSpent');
	if (spent !== '') {
		const n = parseMoney(spent, ctx.currency ?? 'GBP');
		if (n === null || n < 0) {
			problem('totalSpent', spent, n === null ? 'money-unreadable' : 'opening-spend-negative', { value: spent });
			ok = false;
		} else figures.spend = n;
	}
	const whole = (f: 'totalOrders' | 'points', max: number) => {
		const v = get(f);
		if (v === '') return 0;
		const n = Number(v.replace(/[\s,']/g, ''));
		if (!Number.isInteger(n) || n < 0 || n > max) {
			problem(f, v, f === 'totalOrders' ? 'opening-orders-invalid' : 'opening-points-invalid', { value: v });
			ok = false;
			return 0;
		}
		return n;
	};
	figures.orders = whole('totalOrders', MAX_ORDERS);
	figures.points = whole('points', MAX_POINTS);
	const last = get('lastOrderDate');
	if (last !== '') {
		const d = parseDateCell(last, ctx.defaultCountry);
		if (!d.ok) {
			problem('lastOrderDate', last, 'opening-date-invalid', { value: last });
			ok = false;
		} else if (d.ymd > ctx.today) {
			problem('lastOrderDate', last, 'opening-date-future', { value: last });
			ok = false;
		} else figures.lastOrderDate = d.ymd;
	}
	return ok && hasFigures(figures) ? figures : undefined;
}

export function prepareImport(csv: ParsedCsv, mapping: ColumnMapping, ctx: ImportContext): PreparedImport {
	return feed(customerImport(csv.headers, mapping, ctx), csv);
}

/** Which column a validation error's field path ('cards.1', 'addresses.0.postcode') came from. */
function locate(
	path: string,
	get: (f: ImportField) => string,
	cards: string[],
	params: Record<string, string> | undefined
): [ImportField, string] {
	const [head, index, sub] = path.split('.');
	switch (head) {
		case 'cards':
			return ['cards', params?.card ?? cards[Number(index)] ?? get('cards')];
		case 'addresses': {
			const f = (ADDRESS_FIELDS as readonly string[]).includes(sub) ? (sub as ImportField) : 'line1';
			return [f, get(f)];
		}
		case 'defaultAddressId':
			return ['line1', get('line1')];
		case 'consents': {
			const f = CONSENT_FIELDS[index as ConsentChannel] ?? 'consentEmail';
			return [f, get(f)];
		}
		case 'storeId':
			return ['store', get('store')];
		case 'firstName':
		case 'lastName': {
			const f = get(head) !== '' || get('fullName') === '' ? head : 'fullName';
			return [head, get(f)];
		}
		case 'email':
		case 'phone':
		case 'birthDate':
		case 'gender':
		case 'tags':
		case 'notes':
		case 'registeredAt':
			return [head, get(head)];
		default:
			return ['notes', ''];
	}
}

function dateMessage(value: string, defaultCountry: string): string {
	const example = defaultCountry.toUpperCase() === 'US' ? 'MM/DD/YYYY' : 'DD/MM/YYYY';
	if (/(^|\D)\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$/.test(value)) {
		return `“${value}” has a two-digit year: write the year in full, e.g. ${example.replace('YYYY', '1985')}`;
	}
	return `“${value}” is not a date we can read: use YYYY-MM-DD or ${example}`;
}

function parseInstantCell(value: string, defaultCountry: string): string | null {
	const d = parseDateCell(value, defaultCountry);
	if (d.ok && !/[T ]\d/.test(value)) return `${d.ymd}T00:00:00.000Z`;
	// Only instants with an explicit zone: a bare local time means a different moment on each tablet.
	if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
		const t = Date.parse(value);
		if (!Number.isNaN(t)) return new Date(t).toISOString();
	}
	return null;
}

// ---- Export ----------------------------------------------------------------------------

const EXPORT_COLUMNS: ImportField[] = ['firstName', 'lastName', 'email', 'phone', 'birthDate', 'gender', 'cards',
	'line1', 'line2', 'city', 'region', 'postcode', 'country', 'tags', 'notes', 'store', 'registeredAt',
	'consentEmail', 'consentSms', 'consentPost'];

const GENDER_LABELS: Record<Gender, string> = {
	female: 'Female',
	male: 'Male',
	other: 'Other',
	'not-stated': ''
};

/** Headers are the import labels, so autoMap maps an exported file straight back. */
export function customersToCsv(customers: Customer[], stores: Store[], defaultCountry: string): string {
	const storeNames = new Map(stores.map((s) => [s.id, s.name]));
	const headers = EXPORT_COLUMNS.map((f) => LABELS.get(f) ?? f);
	const rows = customers.map((c) => {
		const address = c.addresses.find((a) => a.id === c.defaultAddressId) ?? c.addresses[0];
		const consent = (ch: ConsentChannel) => {
			const s = c.consents[ch]?.status;
			return s === 'granted' ? 'Yes' : s === 'withdrawn' ? 'No' : '';
		};
		return [
			c.firstName,
			c.lastName,
			c.email,
			formatPhone(c.phone, defaultCountry),
			c.birthDate,
			GENDER_LABELS[c.gender],
			c.cards.join(';'),
			address?.line1 ?? '',
			address?.line2 ?? '',
			address?.city ?? '',
			address?.region ?? '',
			address?.postcode ?? '',
			address?.country ?? '',
			c.tags.join(';'),
			c.notes,
			c.storeId ? (storeNames.get(c.storeId) ?? c.storeId) : '',
			c.registeredAt,
			consent('email'),
			consent('sms'),
			consent('post')
		];
	});
	return toCsv(headers, rows);
}
