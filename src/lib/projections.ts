// Every projection of replicated data into tables, in one list: the DocStore runs them on each
// flush. A new replicated entity adds its projection here (README: "Adding a replicated entity").
import type { Projection } from '$lib/store/docstore';
import { customersProjection } from '$lib/customers/projection';
import { settingsProjection } from '$lib/settings/projection';

export const allProjections: Projection[] = [customersProjection, settingsProjection];
