// The app's one shared state: the local database, the replicated settings, this device, today.
// Components read it; every write goes through its services (STYLE 3 and 6).
import { liveQuery } from 'dexie';
import { ShopDB } from '$lib/store/schema';
import { DocStore } from '$lib/store/docstore';
import { allProjections, DERIVE_KINDS } from '$lib/projections';
import { LATE_EDITS_KIND } from '$lib/customers/merges';
import { SETTINGS_KEY } from '$lib/settings/projection';
import { DeriveClient, type DeriveStatus } from '$lib/derive/client';
import { workerConnection } from '$lib/derive/worker-connection';
import { DexieItemService, DexieSalesService } from '$lib/sales/service';
import { SETTINGS_DOC } from '$lib/store/docnames';
import { writeSettings } from '$lib/settings/yjs';
import { DexieCustomerService } from '$lib/customers/service';
import { ErasureService } from '$lib/customers/erasure-service';
import { ERASED_KIND } from '$lib/customers/projection';
import { DexieGroupService } from '$lib/groups/service';
import { GROUPS_DELETED_KIND } from '$lib/groups/projection';
import { DexieBenefitService } from '$lib/benefits/service';
import type { CardService } from '$lib/cards/service';
import type { CustomerMergeService } from '$lib/merge/service';
import { DexieReportService } from '$lib/reports/service';
import type { ImportProgress } from '$lib/customers/api';
import type { Customer } from '$lib/domain/customer';
import { DEFAULT_SETTINGS, type ShopSettings } from '$lib/domain/settings';
import { todayIn } from '$lib/domain/dates';
import { describeError } from './errors';
import type { ShopImports } from './imports';
import { newId } from '$lib/domain/ids';

export interface DeviceSettings {
	name: string;
	storeId: string;
}

const DEVICE_KEY = 'device';
const INSTALL_KEY = 'installId';
export const DEMO_COUNT = 3000;
/** Rows of progress the item catalogue counts for in loadDemoShop. */
const ITEM_WEIGHT = 100;

export class ShopState {
	ready = $state(false);
	error = $state<string | null>(null);
	settings = $state<ShopSettings>(structuredClone(DEFAULT_SETTINGS));
	device = $state<DeviceSettings>({ name: 'Tablet', storeId: DEFAULT_SETTINGS.stores[0].id });
	today = $state(todayIn(DEFAULT_SETTINGS.timeZone, new Date()));
	/** The derive stage (statistics): what runs, its progress, when it last rebuilt. */
	deriveStatus = $state.raw<DeriveStatus>({ state: null, running: null, progress: null, pending: false, error: null });

	#db: ShopDB | null = null;
	#store: DocStore | null = null;
	#customers: DexieCustomerService | null = null;
	#erasures: ErasureService | null = null;
	/**
	 * This tablet's role in its shop: set by the sync state from the pairing credentials. A tablet
	 * that belongs to no shop is its own owner.
	 */
	roleOf: () => 'owner' | 'staff' = () => 'owner';
	#sales: DexieSalesService | null = null;
	#items: DexieItemService | null = null;
	#groups: DexieGroupService | null = null;
	#benefits: DexieBenefitService | null = null;
	#cards: CardService | null = null;
	#merges: CustomerMergeService | null = null;
	#installId = '';
	#reports: DexieReportService | null = null;
	#derive: DeriveClient | null = null;
	#timers: ReturnType<typeof setInterval>[] = [];
	#starting: Promise<void> | null = null;
	#imports: ShopImports | null = null;

	/**
	 * CSV imports without the wizard (console, benchmarks, tests):
	 * `(await shopCrm.loadImports()).importCustomersCsv(file)`. Loaded on first use: the CSV code
	 * stays out of the JavaScript every page loads.
	 */
	async loadImports(): Promise<ShopImports> {
		const { ShopImports } = await import('./imports');
		return (this.#imports ??= new ShopImports(this));
	}

	get db(): ShopDB {
		if (!this.#db) throw new Error('The shop database is not open yet');
		return this.#db;
	}

	get store(): DocStore {
		if (!this.#store) throw new Error('The shop database is not open yet');
		return this.#store;
	}

	get erasures(): ErasureService {
		if (!this.#erasures) throw new Error('The shop database is not open yet');
		return this.#erasures;
	}

	get customers(): DexieCustomerService {
		if (!this.#customers) throw new Error('The shop database is not open yet');
		return this.#customers;
	}

	get sales(): DexieSalesService {
		if (!this.#sales) throw new Error('The shop database is not open yet');
		return this.#sales;
	}

	/** Customer groups: definitions, manual members, levels; memberships derived by the derive worker. */
	get groups(): DexieGroupService {
		if (!this.#groups) throw new Error('The shop database is not open yet');
		return this.#groups;
	}

	/** Group benefits, coupons and the benefit policy (the till prices with `benefits.snapshot()`). */
	get benefits(): DexieBenefitService {
		if (!this.#benefits) throw new Error('The shop database is not open yet');
		return this.#benefits;
	}

	/**
	 * Customer cards: new numbers from the shop's in-store range, and who holds a card. Loaded on
	 * first use, like the imports: only a profile and the scan dialogs need it.
	 */
	async loadCards(): Promise<CardService> {
		const { CardService } = await import('$lib/cards/service');
		return (this.#cards ??= new CardService(this.store, this.customers, {
			range: () => this.settings.cardRange,
			install: () => this.#installId
		}));
	}

	/**
	 * Duplicate merge and "Not a duplicate". Loaded on first use: only the duplicates view, the
	 * merge screen and the profile of a merged-away customer need it.
	 */
	async loadMerges(): Promise<CustomerMergeService> {
		const { CustomerMergeService } = await import('$lib/merge/service');
		return (this.#merges ??= new CustomerMergeService(this.store, {
			now: () => new Date().toISOString(),
			by: () => this.device.name
		}));
	}

	/** Group reports (computed by the derive worker) and campaign exports (recorded in a replicated log). */
	get reports(): DexieReportService {
		if (!this.#reports) throw new Error('The shop database is not open yet');
		return this.#reports;
	}

	get derive(): DeriveClient {
		if (!this.#derive) throw new Error('The shop database is not open yet');
		return this.#derive;
	}

	get items(): DexieItemService {
		if (!this.#items) throw new Error('The shop database is not open yet');
		return this.#items;
	}

	/** Opens the local database. Safe to call more than once. */
	start(dbName = 'shop-crm'): Promise<void> {
		this.#starting ??= this.#start(dbName);
		return this.#starting;
	}

	async #start(dbName: string): Promise<void> {
		try {
			const db = new ShopDB(dbName);
			await db.open();
			this.#db = db;
			// A random id of this installation: receipt numbers carry it, so two tablets never issue the same one.
			const installId = ((await db.kv.get(INSTALL_KEY))?.value as string | undefined) ?? newId();
			await db.kv.put({ key: INSTALL_KEY, value: installId });
			this.#installId = installId;
			this.#store = new DocStore(db, {
				projections: allProjections,
				deriveKinds: DERIVE_KINDS,
				// A finalised sale is on disk before "Paid" returns: a power cut just after loses nothing.
				strictDb: new ShopDB(dbName, { durability: 'strict' }),
				strictDocs: (name) => name.startsWith('sales-')
			});
			const store = this.#store;
			const derive = new DeriveClient({
				connect: workerConnection,
				dbName,
				context: () => ({ today: this.today, timeZone: this.settings.timeZone, now: new Date().toISOString() }),
				announce: (changes) => store.announce(changes),
				onStatus: (status) => (this.deriveStatus = status)
			});
			this.#derive = derive;
			this.#sales = new DexieSalesService(this.#store, {
				settled: () => derive.settled(),
				now: () => new Date().toISOString(),
				today: () => this.today,
				timeZone: () => this.settings.timeZone,
				by: () => this.device.name,
				receiptIssuer: () => ({ storeId: this.device.storeId, installId })
			});
			this.#items = new DexieItemService(this.#store);
			this.#customers = new DexieCustomerService(this.#store, {
				validation: () => ({
					defaultCountry: this.settings.defaultCountry,
					today: this.today,
					storeIds: this.settings.stores.map((s) => s.id)
				}),
				now: () => new Date().toISOString(),
				actor: () => ({ by: this.device.name, role: this.roleOf() })
			});
			this.#erasures = new ErasureService(this.#store, { now: () => new Date().toISOString() });
			this.#groups = new DexieGroupService(this.#store, {
				now: () => new Date().toISOString(),
				today: () => this.today,
				by: () => this.device.name,
				derivation: derive
			});
			this.#benefits = new DexieBenefitService(this.#store, {
				now: () => new Date().toISOString(),
				currency: () => this.settings.currency
			});
			this.#reports = new DexieReportService(this.#store, {
				now: () => new Date().toISOString(),
				today: () => this.today,
				by: () => this.device.name,
				derivation: derive
			});
			await this.#readSettings();
			const device = (await db.kv.get(DEVICE_KEY))?.value as DeviceSettings | undefined;
			if (device) this.device = device;
			this.#store.subscribe((changes) => {
				if (DERIVE_KINDS.some((kind) => changes[kind]?.length)) derive.notify();
				if (changes.settings) void this.#readSettings();
				// Late edits of a deleted customer (found by the projection): clear them from Yjs.
				const orphaned = changes['customers:orphaned'];
				if (orphaned?.length) {
					void this.customers.removeOrphans(orphaned).catch((err) => (this.error = describeError(err)));
				}
				// A group deleted (here or elsewhere), or a late add for one: its member keys go too.
				const deletedGroups = changes[GROUPS_DELETED_KIND];
				if (deletedGroups?.length) {
					void this.groups.purgeMembers(deletedGroups).catch((err) => (this.error = describeError(err)));
				}
				// An erasure arrived, or a write for an erased customer from an offline tablet: clean it away.
				if (changes[ERASED_KIND]?.length) void this.erasures.resume().catch((err) => (this.error = describeError(err)));
				// Edits of a customer merged away, made offline before the merge was heard of.
				const late = changes[LATE_EDITS_KIND];
				if (late?.length) {
					void this.loadMerges()
						.then((m) => m.forwardLateEdits(late))
						.catch((err) => (this.error = describeError(err)));
				}
			});
			// An erasure cut short (tab closed, crash) finishes now.
			void this.erasures.resume().catch((err) => (this.error = describeError(err)));
			this.#timers.push(
				// The date decides ages and birthday months: follow midnight in the shop's zone.
				setInterval(() => this.#tick(), 30_000),
				setInterval(() => this.#store?.evictIdle(), 30_000)
			);
			// Brings derived data up to date in the background (a new version rebuilds, midnight rolls).
			void derive.start().catch((err) => (this.error = describeError(err)));
			// Reachable from the browser console for support, and from the benchmarks.
			(globalThis as unknown as { shopCrm: ShopState }).shopCrm = this;
			this.ready = true;
		} catch (err) {
			this.error = describeError(err);
		}
	}

	async #readSettings(): Promise<void> {
		const row = await this.db.kv.get(SETTINGS_KEY);
		const zone = this.settings.timeZone;
		if (row) this.settings = { ...structuredClone(DEFAULT_SETTINGS), ...(row.value as ShopSettings) };
		// Day buckets are days in the shop's zone: a new zone re-derives them.
		this.#tick(this.settings.timeZone !== zone);
	}

	#tick(zoneChanged = false): void {
		const today = todayIn(this.settings.timeZone, new Date());
		const dayChanged = today !== this.today;
		this.today = today;
		// Rolling 12-month figures change with the date: the worker rolls them forward for everyone
		// (or rebuilds, after a new zone).
		if ((dayChanged || zoneChanged) && this.ready) this.#refreshDerived();
	}

	#refreshDerived(): void {
		void this.#derive?.refresh().catch((err) => (this.error = describeError(err)));
	}

	async saveSettings(patch: Partial<ShopSettings>): Promise<void> {
		await this.store.transact([SETTINGS_DOC], (docs) => writeSettings(docs.get(SETTINGS_DOC)!, patch));
		await this.#readSettings();
	}

	/** This tablet's own name and store: not replicated. */
	async saveDevice(patch: Partial<DeviceSettings>): Promise<void> {
		const next = { ...this.device, ...patch };
		// put(): the device row is one small value replaced whole.
		await this.db.kv.put({ key: DEVICE_KEY, value: next });
		this.device = next;
	}

	/**
	 * Fills the shop with the seeded demo data (the same generators the tests and benchmarks use):
	 * customers, an item catalogue and about two years of sales history.
	 */
	async loadDemoShop(
		count = DEMO_COUNT,
		onProgress?: (p: ImportProgress) => void,
		opts: { salesPerCustomer?: number } = {}
	): Promise<void> {
		// The generators are loaded on first use: they stay out of the JavaScript every page loads.
		const [{ DEMO_SEED, DEMO_STORES, generateCustomers }, { demoShopSales, generateItems }] = await Promise.all([
			import('$lib/domain/demo'),
			import('$lib/domain/sales/demo-sales')
		]);
		const onlyDefaultStore =
			this.settings.stores.length === 1 && this.settings.stores[0].id === DEFAULT_SETTINGS.stores[0].id;
		if (onlyDefaultStore) {
			await this.saveSettings({ shopName: 'Demo shop', stores: DEMO_STORES });
			await this.saveDevice({ storeId: DEMO_STORES[0].id });
		}
		const drafts = generateCustomers({
			seed: DEMO_SEED,
			count,
			now: new Date().toISOString(),
			stores: this.settings.stores,
			recordedBy: this.device.name
		});
		const salesPerCustomer = opts.salesPerCustomer ?? 4;
		// One progress bar over the three steps, weighted by the rows each writes.
		const total = drafts.length + ITEM_WEIGHT + drafts.length * salesPerCustomer;
		await this.customers.importMany(
			drafts.map((draft, i) => ({ rowNumber: i + 1, draft })),
			{ onProgress: (p) => onProgress?.({ done: p.done, total }) }
		);
		if (salesPerCustomer <= 0) return;
		const items = generateItems(DEMO_SEED);
		await this.items.importMany(items);
		const customers = (await this.db.customers.toArray()).map((c) => ({ id: c.id, registeredAt: c.registeredAt, storeId: c.storeId }));
		const sales = demoShopSales({ seed: DEMO_SEED, customers, items, stores: this.settings.stores, now: new Date(), salesPerCustomer });
		await this.sales.importMany(sales, {
			onProgress: (p) => onProgress?.({ done: drafts.length + ITEM_WEIGHT + Math.round((p.done / Math.max(1, p.total)) * (total - drafts.length - ITEM_WEIGHT)), total })
		});
	}

	/** Calls back with the customer now and after every change from anywhere; returns unsubscribe. */
	liveCustomer(id: string, cb: (c: Customer | undefined) => void): () => void {
		const sub = liveQuery(() => this.customers.get(id)).subscribe({
			next: cb,
			error: (err) => {
				this.error = describeError(err);
			}
		});
		return () => sub.unsubscribe();
	}

	/** For tests: forget everything in memory (the database itself is left alone). */
	reset(): void {
		for (const t of this.#timers) clearInterval(t);
		this.#timers = [];
		void this.#store?.close();
		this.#derive?.close();
		this.#derive = null;
		this.#db?.close();
		this.#db = null;
		this.#store = null;
		this.#customers = null;
		this.#erasures = null;
		this.#groups = null;
		this.#benefits = null;
		this.#cards = null;
		this.#merges = null;
		this.#reports = null;
		this.#starting = null;
		this.ready = false;
		this.error = null;
		this.settings = structuredClone(DEFAULT_SETTINGS);
	}
}

export const shop = new ShopState();
