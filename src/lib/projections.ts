// Every projection of replicated data into tables, in one list: the DocStore runs them on each
// flush. A new replicated entity adds its projection here (README: "Adding a replicated entity").
import type { Projection } from '$lib/store/docstore';
import { customersProjection, openingsProjection } from '$lib/customers/projection';
import { settingsProjection } from '$lib/settings/projection';
import { itemsProjection, pointsProjection, salesProjection } from '$lib/sales/projections';
import { groupsProjection, manualMembersProjection } from '$lib/groups/projection';
import { benefitPolicyProjection, benefitsProjection, couponsProjection } from '$lib/benefits/projection';
import { campaignsProjection } from '$lib/reports/projection';

export const allProjections: Projection[] = [
	customersProjection,
	openingsProjection,
	settingsProjection,
	itemsProjection,
	salesProjection,
	pointsProjection,
	groupsProjection,
	manualMembersProjection,
	benefitsProjection,
	couponsProjection,
	benefitPolicyProjection,
	campaignsProjection
];

/**
 * Kinds whose changes the derive stage consumes: statistics (sales, point adjustments) and group
 * memberships (those, plus customers' profiles, manual memberships and group definitions); an
 * opening balance (from a customer import) counts into statistics like a sale.
 */
export const DERIVE_KINDS = ['sales', 'points', 'openings', 'customers', 'manualMembers', 'groups'];
