// The group service: every group read and write of the app goes through here (STYLE 3): validate
// (domain + what only the database knows: unique names, groups in use) → one Yjs transaction per
// document (DocStore) → persisted + projected in one IndexedDB transaction → the derive worker
// works out who is in which group, and the list and profiles follow its announcements.
import type { FieldError } from '$lib/domain/errors';
import { InvalidWriteError } from '$lib/domain/errors';
import {
	ALL_CUSTOMERS_ID,
	levelKey,
	type Explanation,
	type Group,
	type GroupDraft,
	type LevelOverride,
	type MembershipEvent,
	type MembershipKey,
	type StoredRule
} from '$lib/domain/groups/types';
import {
	builtInGroups,
	isBuiltIn,
	normalizeGroupDraft,
	validateGroupDraft,
	validateGroupRemoval,
	validateLevelOverride
} from '$lib/domain/groups/groups';
import { RFM_SEGMENTS } from '$lib/domain/groups/rfm';
import { newId } from '$lib/domain/ids';
import type { DocStore } from '$lib/store/docstore';
import type { GroupRow, ShopDB } from '$lib/store/schema';
import { allCustomerDocNames, BENEFITS_DOC, customerDocName, GROUPS_DOC } from '$lib/store/docnames';
import { addDays } from '$lib/domain/dates';
import type { Benefit, Coupon } from '$lib/domain/benefits/types';
import { validateGroupDeletion } from '$lib/domain/benefits/validate';
import { detachGroup, dropFromPolicy } from '$lib/benefits/yjs';
import {
	changedGroupFields,
	deleteGroup,
	groupsMap,
	keysOfGroups,
	memberKeys,
	membersMap,
	pairId,
	readGroup,
	readMember,
	writeGroupFields,
	writeLevel,
	writeMember,
	writeNewGroup
} from './yjs';
import type {
	BulkOutcome,
	BulkProgress,
	CustomerGroupInfo,
	GroupRecord,
	GroupService,
	GroupWriteResult,
	RulePreview
} from './api';

/** What the derive worker answers for the service (DeriveClient on the page, a Deriver in tests). */
export interface GroupDerivation {
	preview(rule: StoredRule, excludeGroupId?: string): Promise<RulePreview>;
	explain(customerId: string, groupId: string): Promise<Explanation>;
	rfmMovement(): Promise<{ since: string | null; from: string[]; to: string[]; counts: number[][] } | null>;
}

export interface GroupServiceContext {
	now(): string;
	/** 'YYYY-MM-DD' in the shop's zone. */
	today(): string;
	/** Who is recording (device name or staff member). */
	by(): string;
	derivation: GroupDerivation;
	newId?: () => string;
}

/** Customers per bulk transaction: a cancel stops between two of them. */
export const BULK_BATCH = 2000;

/**
 * What depends on a group, as validateGroupDeletion reads it (only ids, targets and coupon keys):
 * benefits of a newer version count too (their target is known), coupons of a newer version do not
 * (their shape is unknown; restricted to a deleted group, they apply to no one).
 */
async function groupDependents(db: ShopDB, groupId: string): Promise<{ benefits: Benefit[]; coupons: Coupon[] }> {
	const [benefits, coupons] = await Promise.all([
		db.benefits.where('target').equals(groupId).or('target').startsWith(`${groupId}/`).toArray(),
		db.coupons.toArray()
	]);
	return {
		benefits: benefits.map((r) => r.value ?? ({ id: r.id, target: r.target } as Benefit)),
		coupons: coupons.filter((r) => r.value).map((r) => r.value!)
	};
}

type BulkOpts = { signal?: AbortSignal; onProgress?: (p: BulkProgress) => void; by?: string };

export class DexieGroupService implements GroupService {
	#store: DocStore;
	#ctx: GroupServiceContext;
	#newId: () => string;

	constructor(store: DocStore, ctx: GroupServiceContext) {
		this.#store = store;
		this.#ctx = ctx;
		this.#newId = ctx.newId ?? newId;
	}

	get #db() {
		return this.#store.db;
	}

	/** Every definition, built-in groups first (from storage when one of their fields was edited). */
	async #rows(): Promise<GroupRow[]> {
		const stored = await this.#db.groups.toArray();
		const byId = new Map(stored.map((r) => [r.id, r]));
		const builtIn = builtInGroups().map((g) => byId.get(g.id) ?? { id: g.id, group: g, needsUpdate: false });
		return [...builtIn, ...stored.filter((r) => !isBuiltIn(r.id)).sort((a, b) => a.group.name.localeCompare(b.group.name))];
	}

	async #groups(): Promise<Group[]> {
		return (await this.#rows()).map((r) => r.group);
	}

	async list(): Promise<GroupRecord[]> {
		const [rows, counts, customers] = await Promise.all([
			this.#rows(),
			this.#db.groupCounts.toArray(),
			this.#db.customers.count()
		]);
		const count = new Map(counts.map((c) => [c.key, c.count]));
		return rows.map((r) => record(r, count, customers));
	}

	async get(id: string): Promise<GroupRecord | undefined> {
		const row = (await this.#rows()).find((r) => r.id === id);
		if (!row) return undefined;
		const keys = [id, ...levelIdsOf(row.group).map((l) => levelKey(id, l))];
		const [counts, customers] = await Promise.all([this.#db.groupCounts.bulkGet(keys), this.#db.customers.count()]);
		const count = new Map(counts.filter((c) => !!c).map((c) => [c!.key, c!.count]));
		return record(row, count, customers);
	}

	async create(draft: GroupDraft): Promise<GroupWriteResult> {
		const errors = validateGroupDraft(draft, await this.#groups(), null);
		if (errors.length) return { ok: false, errors };
		const id = this.#newId();
		const now = this.#ctx.now();
		const stored = normalizeGroupDraft(draft);
		await this.#store.transact([GROUPS_DOC], (docs) => writeNewGroup(groupsMap(docs.get(GROUPS_DOC)!), id, stored, now, this.#ctx.by()));
		return { ok: true, id };
	}

	async update(id: string, draft: GroupDraft, base?: GroupDraft): Promise<GroupWriteResult> {
		const rows = await this.#rows();
		const row = rows.find((r) => r.id === id);
		if (!row) return { ok: false, errors: [{ field: 'name', code: 'group-gone' }] };
		if (row.needsUpdate) return { ok: false, errors: [{ field: 'rule', code: 'rule-needs-update' }] };
		if (draft.type !== row.group.type) return { ok: false, errors: [{ field: 'type', code: 'group-type-fixed' }] };
		const errors = validateGroupDraft(draft, rows.map((r) => r.group), id);
		if (errors.length) return { ok: false, errors };
		const changes = changedGroupFields((base ?? row.group) as GroupDraft, normalizeGroupDraft(draft));
		if (Object.keys(changes).length === 0) return { ok: true, id };
		const now = this.#ctx.now();
		await this.#store.transact([GROUPS_DOC], (docs) => {
			const map = groupsMap(docs.get(GROUPS_DOC)!);
			// Deleted on another tablet meanwhile: nothing to edit (a field key would be orphaned).
			if (readGroup(map, id).kind === 'live') writeGroupFields(map, id, changes, now);
		});
		return { ok: true, id };
	}

	async remove(id: string, opts: { removeDependents?: boolean } = {}): Promise<GroupWriteResult> {
		// Rules of definitions this version cannot read are left out: they are never evaluated here.
		const rows = await this.#rows();
		const refused = validateGroupRemoval(id, rows.filter((r) => !r.needsUpdate).map((r) => r.group));
		if (refused.length) return { ok: false, errors: refused };
		const row = rows.find((r) => r.id === id);
		if (!row) return { ok: false, errors: [{ field: 'id', code: 'group-gone' }] };
		const removeDependents = opts.removeDependents ?? false;
		const dependents = await groupDependents(this.#db, id);
		const inUse = validateGroupDeletion(row.group, dependents.benefits, dependents.coupons, removeDependents);
		if (inUse.length) return { ok: false, errors: inUse };
		const now = this.#ctx.now();
		const yesterday = addDays(this.#ctx.today(), -1);
		// One write over both documents (one flush): the group never goes without its benefits going
		// too, nor stays named in the priority order.
		await this.#store.transact([GROUPS_DOC, BENEFITS_DOC], (d) => {
			deleteGroup(groupsMap(d.get(GROUPS_DOC)!), id, now);
			if (removeDependents) detachGroup(d.get(BENEFITS_DOC)!, id, yesterday, now);
			dropFromPolicy(d.get(BENEFITS_DOC)!, id, now);
		});
		// Then its manual members, bucket by bucket. The tombstone alone already settles it (their
		// rows went with it in the flush, and a late add is never projected): this removes the keys
		// so no bucket carries them; a tab closed halfway leaves the rest to the next tablet that
		// hears of the deletion or to the next late add.
		await this.purgeMembers([id]);
		return { ok: true, id };
	}

	async purgeMembers(groupIds: string[]): Promise<number> {
		const ids = new Set(groupIds.filter((id) => !isBuiltIn(id)));
		if (ids.size === 0) return 0;
		let removed = 0;
		for (const name of allCustomerDocNames()) {
			if (keysOfGroups(membersMap(await this.#store.open(name)), ids).length === 0) continue;
			await this.#store.transact([name], (docs) => {
				const map = membersMap(docs.get(name)!);
				for (const key of keysOfGroups(map, ids)) {
					map.delete(key);
					removed++;
				}
			});
		}
		return removed;
	}

	addMembers(groupIds: string[] | 'every-manual', customerIds: string[], opts: BulkOpts = {}): Promise<BulkOutcome> {
		return this.#bulk(true, groupIds, customerIds, opts);
	}

	removeMembers(groupIds: string[] | 'every-manual', customerIds: string[], opts: BulkOpts = {}): Promise<BulkOutcome> {
		return this.#bulk(false, groupIds, customerIds, opts);
	}

	/**
	 * Adds or removes in batches of BULK_BATCH customers. Each batch is one DocStore transaction
	 * (one Yjs transaction per bucket document, one flush): a cancel stops between batches, so a
	 * customer is either done in every chosen group or in none.
	 */
	async #bulk(add: boolean, groupIds: string[] | 'every-manual', customerIds: string[], opts: BulkOpts): Promise<BulkOutcome> {
		const groups = await this.#groups();
		let targets: string[];
		if (groupIds === 'every-manual') targets = groups.filter((g) => g.type === 'manual').map((g) => g.id);
		else {
			// The dialogs offer manual groups only: anything else is a bug, refused before any write.
			const errors: FieldError[] = [];
			for (const id of groupIds) {
				const g = groups.find((x) => x.id === id);
				if (id === ALL_CUSTOMERS_ID) errors.push({ field: 'groups', code: 'group-built-in', params: { name: g?.name ?? '' } });
				else if (!g) errors.push({ field: 'groups', code: 'group-gone' });
				else if (g.type !== 'manual') errors.push({ field: 'groups', code: 'group-not-manual', params: { group: g.name } });
			}
			if (errors.length) throw new InvalidWriteError(add ? 'Add to group' : 'Remove from group', errors);
			targets = groupIds;
		}
		const outcome: BulkOutcome = { changed: 0, cancelled: false };
		const total = customerIds.length;
		opts.onProgress?.({ done: 0, total });
		if (targets.length === 0) return outcome;
		const by = opts.by ?? this.#ctx.by();
		for (let start = 0; start < total; start += BULK_BATCH) {
			if (opts.signal?.aborted) {
				outcome.cancelled = true;
				break;
			}
			const batch = customerIds.slice(start, start + BULK_BATCH);
			// Customers deleted meanwhile (here or on another tablet) are left alone.
			const live = (await this.#db.customers.bulkGet(batch)).filter((c) => !!c).map((c) => c!.id);
			const byDoc = new Map<string, string[]>();
			for (const id of live) {
				const name = customerDocName(id);
				(byDoc.get(name) ?? byDoc.set(name, []).get(name)!).push(id);
			}
			const now = this.#ctx.now();
			let changed = 0;
			if (byDoc.size) {
				await this.#store.transact([...byDoc.keys()], (docs) => {
					for (const [name, ids] of byDoc) {
						const map = membersMap(docs.get(name)!);
						const inBatch = new Set(ids);
						const keysOf = memberKeys(map, (pair) => inBatch.has(pair.slice(0, pair.indexOf('/'))));
						for (const id of ids) {
							let touched = false;
							for (const g of targets) {
								const keys = keysOf.get(pairId(id, g)) ?? [];
								if ((readMember(map, id, g, keys)?.member ?? false) === add) continue;
								writeMember(map, id, g, add, now, by, keys);
								touched = true;
							}
							if (touched) changed++;
						}
					}
				});
			}
			outcome.changed += changed;
			opts.onProgress?.({ done: Math.min(start + batch.length, total), total });
			// Let the page paint the progress bar and handle a click on "Cancel".
			await new Promise((r) => setTimeout(r, 0));
		}
		return outcome;
	}

	async setLevel(customerId: string, groupId: string, override: LevelOverride | null): Promise<GroupWriteResult> {
		const group = (await this.#groups()).find((g) => g.id === groupId);
		const errors: FieldError[] = [];
		if (!group) errors.push({ field: 'group', code: 'group-gone' });
		else if (group.type !== 'tiered') errors.push({ field: 'group', code: 'group-not-tiered', params: { group: group.name } });
		else if (override) errors.push(...validateLevelOverride(override, group.tier, this.#ctx.today()));
		if (!(await this.#db.customers.get(customerId))) errors.push({ field: 'customerId', code: 'customer-gone' });
		if (errors.length) return { ok: false, errors };
		const value = override && { ...override, reason: override.reason.trim(), by: override.by || this.#ctx.by(), at: this.#ctx.now() };
		const name = customerDocName(customerId);
		await this.#store.transact([name], (docs) => writeLevel(membersMap(docs.get(name)!), customerId, groupId, value));
		return { ok: true, id: groupId };
	}

	async groupsOf(customerId: string): Promise<CustomerGroupInfo[]> {
		const [customer, membership, manual, groups] = await Promise.all([
			this.#db.customers.get(customerId),
			this.#db.memberships.get(customerId),
			this.#db.manualMembers.where('[customerId+groupId]').between([customerId, ''], [customerId, '\uffff']).toArray(),
			this.#groups()
		]);
		if (!customer) return [];
		const byId = new Map(groups.map((g) => [g.id, g]));
		const overrides = new Map(manual.filter((m) => m.level).map((m) => [m.groupId, m.level!]));
		const all = byId.get(ALL_CUSTOMERS_ID)!;
		const out: CustomerGroupInfo[] = [info(all, ALL_CUSTOMERS_ID, null, null, customer.registeredAt, null)];
		const keys = membership?.keys ?? [];
		for (const key of keys) {
			const slash = key.indexOf('/');
			// A level's key stands for the group's entry; the bare group id is listed through it.
			if (slash === -1 && keys.some((k) => k.startsWith(`${key}/`))) continue;
			const groupId = slash === -1 ? key : key.slice(0, slash);
			const levelId = slash === -1 ? null : key.slice(slash + 1);
			const g = byId.get(groupId);
			if (!g) continue;
			const level = levelId ? levelsOf(g).find((l) => l.id === levelId) : undefined;
			const since = membership?.since[key] ?? null;
			const override = overrides.get(groupId) ?? null;
			out.push(info(g, key, levelId, level ?? null, since, override && override.until >= this.#ctx.today() ? override : null));
		}
		return out;
	}

	async history(customerId: string): Promise<MembershipEvent[]> {
		const rows = await this.#db.membershipEvents.where('customerId').equals(customerId).toArray();
		return rows.sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0));
	}

	async memberIds(key: MembershipKey): Promise<string[]> {
		if (key === ALL_CUSTOMERS_ID) return (await this.#db.customers.toCollection().primaryKeys()) as string[];
		return (await this.#db.memberships.where('keys').equals(key).primaryKeys()) as string[];
	}

	explain(customerId: string, groupId: string): Promise<Explanation> {
		return this.#ctx.derivation.explain(customerId, groupId);
	}

	preview(rule: StoredRule, excludeGroupId?: string): Promise<RulePreview> {
		return this.#ctx.derivation.preview(rule, excludeGroupId);
	}

	rfmMovement(): Promise<{ since: string | null; from: string[]; to: string[]; counts: number[][] } | null> {
		return this.#ctx.derivation.rfmMovement();
	}
}

function levelsOf(g: Group): { id: string; name: string; vip: boolean }[] {
	if (g.type === 'tiered') return g.tier.levels;
	if (g.type === 'rfm') return RFM_SEGMENTS.map((s) => ({ ...s, vip: false }));
	return [];
}

function levelIdsOf(g: Group): string[] {
	return levelsOf(g).map((l) => l.id);
}

function record(row: GroupRow, count: Map<string, number>, customers: number): GroupRecord {
	const levels: Record<string, number> = {};
	for (const l of levelIdsOf(row.group)) levels[l] = count.get(levelKey(row.id, l)) ?? 0;
	const members = row.group.type === 'all' ? customers : (count.get(row.id) ?? 0);
	return { group: row.group, needsUpdate: row.needsUpdate, members, levels };
}

function info(
	g: Group,
	key: MembershipKey,
	levelId: string | null,
	level: { name: string; vip: boolean } | null,
	since: string | null,
	override: LevelOverride | null
): CustomerGroupInfo {
	return { key, groupId: g.id, levelId, name: g.name, levelName: level?.name ?? null, type: g.type, vip: g.vip || !!level?.vip, since, override };
}
