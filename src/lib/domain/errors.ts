// Validation outcomes are values: a code per field, turned into words in exactly one place.

export type ErrorCode =
	| 'name-required'
	| 'email-invalid'
	| 'phone-invalid'
	| 'birth-date-invalid'
	| 'birth-date-future'
	| 'birth-date-too-old'
	| 'card-invalid'
	| 'card-duplicate-in-customer'
	| 'card-already-assigned'
	| 'card-duplicate-in-file'
	| 'card-range-prefix-invalid'
	| 'card-range-invalid'
	| 'card-range-full'
	| 'default-address-missing'
	| 'postcode-invalid'
	| 'country-invalid'
	| 'gender-invalid'
	| 'consent-invalid'
	| 'store-unknown'
	| 'registered-at-invalid'
	| 'email-exists'
	| 'phone-exists'
	| 'tag-invalid'
	| 'field-too-long'
	| 'customer-gone'
	// Customer import: matching rows to customers, opening balances (domain/customer-match.ts, opening.ts)
	| 'import-match-ambiguous'
	| 'import-match-in-file'
	| 'import-match-gone'
	| 'opening-spend-negative'
	| 'opening-orders-invalid'
	| 'opening-points-invalid'
	| 'opening-date-invalid'
	| 'opening-date-future'
	// Items, sales and loyalty (src/lib/domain/sales/)
	| 'item-name-required'
	| 'sku-required'
	| 'sku-duplicate'
	| 'sku-duplicate-in-file'
	| 'barcode-invalid'
	| 'barcode-check-digit'
	| 'barcode-duplicate'
	| 'barcode-duplicate-in-file'
	| 'item-price-missing'
	| 'price-invalid'
	| 'cost-invalid'
	| 'points-price-missing'
	| 'money-unreadable'
	| 'redeem-unreadable'
	| 'active-unreadable'
	| 'qty-unreadable'
	| 'item-unknown'
	| 'qty-invalid'
	| 'discount-invalid'
	| 'points-invalid'
	| 'points-whole-units'
	| 'points-exceed-line'
	| 'points-exceed-balance'
	| 'points-not-allowed'
	| 'points-need-customer'
	| 'cart-empty'
	| 'payment-invalid'
	| 'payment-short'
	| 'payment-card-over'
	| 'refund-exceeds-original'
	| 'refund-empty'
	| 'refund-line-unknown'
	| 'refund-of-refund'
	| 'receipt-missing'
	| 'receipt-duplicate'
	| 'receipt-inconsistent'
	| 'receipt-incomplete'
	| 'sale-date-unreadable'
	| 'sale-not-found'
	| 'sale-already-tracked'
	| 'reason-required'
	| 'loyalty-rate-invalid'
	| 'point-value-invalid'
	| 'rounding-invalid'
	| 'sale-totals-inconsistent'
	| 'sale-trace-inconsistent'
	| 'benefits-loading'
	// Groups: what only the data layer can know (src/lib/groups/service.ts)
	| 'group-gone'
	| 'group-type-fixed'
	| 'group-not-manual'
	| 'group-not-tiered'
	// Shop settings
	| 'shop-name-required'
	| 'time-zone-invalid'
	| 'currency-invalid'
	| 'stores-required'
	| 'store-invalid'
	// Receipt printer (src/lib/printing/): its settings, and what can go wrong while printing
	| 'printer-lines-too-many'
	| 'printer-line-too-long'
	| 'printer-paper-invalid'
	| 'printer-codepage-invalid'
	| 'printer-not-paired'
	| 'printer-not-connected'
	| 'printer-unplugged'
	| 'printer-timeout'
	| 'printer-write-failed'
	| 'printer-language-unsupported'
	| 'printer-pair-failed'
	// Import files as a whole (src/lib/domain/csv-file.ts)
	| 'file-empty'
	| 'file-not-csv'
	| 'file-workbook'
	| 'file-no-rows'
	| 'file-too-many-columns'
	| 'file-line-too-long'
	// Customer groups, rules and tiers (src/lib/domain/groups/)
	| 'group-name-required'
	| 'group-name-taken'
	| 'group-in-use'
	| 'group-built-in'
	| 'group-type-invalid'
	| 'discount-pct-invalid'
	| 'rule-empty-block'
	| 'rule-value-missing'
	| 'rule-range-impossible'
	| 'rule-date-invalid'
	| 'rule-unknown-condition'
	| 'rule-unknown-group'
	| 'rule-unknown-level'
	| 'rule-cycle'
	| 'rule-needs-update'
	| 'rule-too-deep'
	| 'tier-levels-required'
	| 'tier-level-name-required'
	| 'tier-level-name-taken'
	| 'tier-levels-overlap'
	| 'tier-min-invalid'
	| 'tier-max-invalid'
	| 'tier-window-invalid'
	| 'tier-retention-invalid'
	| 'level-override-invalid'
	// ---- Benefits, coupons, policy and redemption allowance (src/lib/domain/benefits/) ----
	| 'benefit-kind-invalid'
	| 'benefit-target-unknown'
	| 'benefit-pct-invalid'
	| 'benefit-price-book-name-required'
	| 'benefit-price-book-empty'
	| 'benefit-item-unknown'
	| 'benefit-brand-unknown'
	| 'benefit-category-unknown'
	| 'benefit-entry-duplicate'
	| 'benefit-amount-invalid'
	| 'benefit-price-below-zero'
	| 'benefit-multiplier-invalid'
	| 'benefit-limit-invalid'
	| 'benefit-period-invalid'
	| 'benefit-categories-required'
	| 'benefit-needs-update'
	| 'benefit-removal-reason-required'
	| 'benefit-group-in-use'
	| 'benefit-gone'
	| 'coupon-gone'
	| 'coupon-needs-update'
	| 'policy-needs-update'
	| 'coupon-code-invalid'
	| 'coupon-code-taken'
	| 'coupon-value-invalid'
	| 'coupon-uses-invalid'
	| 'coupon-group-unknown'
	| 'date-range-empty'
	| 'date-range-invalid'
	| 'date-range-reversed'
	| 'report-range-too-long'
	| 'campaign-channel-invalid'
	| 'policy-invalid'
	| 'policy-priority-missing'
	| 'policy-priority-unknown'
	| 'policy-priority-duplicate'
	| 'redemption-over-allowance'
	| 'redemption-loyalty-off';
	// ---- end of Benefits ----

export interface FieldError {
	/** Path of the field: 'firstName', 'cards.1', 'addresses.0.postcode', 'consents.email'. */
	field: string;
	code: ErrorCode;
	params?: Record<string, string>;
}

type Params = Record<string, string>;

const MESSAGES: Record<ErrorCode, (p: Params) => string> = {
	'name-required': () => 'Enter a first or last name',
	'customer-gone': () => 'This customer was deleted on another tablet, so the changes could not be saved',
	'import-match-ambiguous': (p) =>
		`This row matches two different customers (${p.first ?? 'one'} by ${p.firstBy ?? 'one key'}, ${p.second ?? 'another'} by ${p.secondBy ?? 'another'}): nothing was guessed. Correct the row, or merge the two customers first`,
	'import-match-in-file': (p) =>
		`Rows ${p.rows ?? 'of this file'} share the ${p.by ?? 'same key'} ${p.value ? `“${p.value}”` : ''}: they would be the same customer. Keep one row, or give each its own`,
	'import-match-gone': (p) => `${p.name || 'The matched customer'} was deleted on another tablet since the preview, so this row was not written`,
	'opening-spend-negative': (p) => `${p.value ? `“${p.value}”` : 'This amount'} is negative: a total spent is 0 or more`,
	'opening-orders-invalid': (p) => `${p.value ? `“${p.value}”` : 'This'} is not a number of orders: use a whole number, 0 or more`,
	'opening-points-invalid': (p) => `${p.value ? `“${p.value}”` : 'This'} is not a points balance: use a whole number, 0 or more`,
	'opening-date-invalid': (p) => `${p.value ? `“${p.value}”` : 'This'} is not a date we can read: use YYYY-MM-DD or DD/MM/YYYY`,
	'opening-date-future': (p) => `${p.value ? `“${p.value}”` : 'This date'} is in the future: a last order date is today or earlier`,
	'email-invalid': () => 'This does not look like an email address, e.g. jane@example.com',
	'phone-invalid': () =>
		'This is not a phone number we can read. Include the country code for numbers from abroad, e.g. +33 1 23 45 67 89',
	'birth-date-invalid': () => 'Enter the date of birth as a real date, e.g. 1985-03-21',
	'birth-date-future': () => 'The date of birth cannot be in the future',
	'birth-date-too-old': () => 'The date of birth cannot be before 1900',
	'card-invalid': (p) => `${card(p)} is not a card number we can read: use 4 to 32 letters or digits`,
	'card-duplicate-in-customer': (p) => `${card(p)} is listed twice for this customer`,
	'card-already-assigned': (p) => `${card(p)} already belongs to ${p.ownerName || 'another customer'}`,
	'card-duplicate-in-file': (p) =>
		p.row ? `${card(p)} is also on row ${p.row}` : `${card(p)} appears more than once in this file`,
	'card-range-prefix-invalid': () => 'The prefix must be 1 to 10 digits, e.g. 29 (GS1 keeps 20 to 29 for numbers used in one shop)',
	'card-range-invalid': (p) =>
		`Use whole numbers from 0 to ${p.max ?? 'the largest that fits'}, with the first no higher than the last`,
	'card-range-full': (p) =>
		`Every card number from ${p.first ?? 'the first'} to ${p.last ?? 'the last'} is in use or kept by another tablet. Widen the range in Settings → Customer cards`,
	'default-address-missing': () => 'Choose one of this customer’s addresses as the default delivery address',
	'postcode-invalid': (p) =>
		p.postcode ? `${p.postcode} is not a postcode we recognise` : 'This is not a postcode we recognise',
	'country-invalid': () => 'Choose a country (two-letter code, e.g. GB)',
	'gender-invalid': () => 'Choose female, male, other or not stated',
	'consent-invalid': (p) =>
		p.channel
			? `The ${channelLabel(p.channel)} consent record is incomplete: it needs a status, a date and a source`
			: 'This consent record is incomplete: it needs a status, a date and a source',
	'store-unknown': (p) =>
		p.storeId ? `Store ${p.storeId} is not one of this shop’s stores` : 'This is not one of this shop’s stores',
	'registered-at-invalid': () => 'The registration date is not a valid date and time',
	'email-exists': (p) =>
		p.ownerName ? `This email address already belongs to ${p.ownerName}` : 'This email address already belongs to another customer',
	'phone-exists': (p) =>
		p.ownerName ? `This phone number already belongs to ${p.ownerName}` : 'This phone number already belongs to another customer',
	'tag-invalid': (p) =>
		p.tag
			? `Tag “${p.tag}” is not allowed: use up to 50 characters without commas or semicolons`
			: 'Use tags of up to 50 characters without commas or semicolons',
	'field-too-long': (p) => (p.max ? `Keep this under ${p.max} characters` : 'This is too long'),
	'item-name-required': () => 'Enter the item’s name',
	'sku-required': () => 'Enter a SKU (the shop’s own code for this item)',
	'sku-duplicate': (p) => `${p.sku ? `SKU ${p.sku}` : 'This SKU'} is already used by ${p.ownerName || 'another item'}`,
	'sku-duplicate-in-file': (p) =>
		p.row ? `SKU ${p.sku ?? ''} is also on row ${p.row}` : `SKU ${p.sku ?? ''} appears more than once in this file`,
	'barcode-invalid': () => 'A barcode is 4 to 32 letters or digits, without spaces',
	'barcode-check-digit': (p) =>
		`${p.barcode ? `Barcode ${p.barcode}` : 'This barcode'} has a wrong check digit: check it was typed or scanned correctly`,
	'barcode-duplicate': (p) =>
		`${p.barcode ? `Barcode ${p.barcode}` : 'This barcode'} is already used by ${p.ownerName || 'another item'}`,
	'barcode-duplicate-in-file': (p) =>
		p.row ? `Barcode ${p.barcode ?? ''} is also on row ${p.row}` : `Barcode ${p.barcode ?? ''} appears more than once in this file`,
	'item-price-missing': (p) => (p.name ? `${p.name} has no price` : 'This item has no price'),
	'price-invalid': () => 'Enter the price as an amount above zero, e.g. 12.50',
	'cost-invalid': () => 'Enter the cost as an amount of zero or more, e.g. 4.20 (0 if unknown)',
	'points-price-missing': () => 'Enter how many points pay for this item, or make it not redeemable with points',
	'money-unreadable': (p) => (p.value ? `“${p.value}” is not an amount we can read, e.g. 12.50` : 'This is not an amount we can read, e.g. 12.50'),
	'redeem-unreadable': (p) => `“${p.value ?? ''}” is not a points option we can read: use none, partial or full`,
	'active-unreadable': (p) => `“${p.value ?? ''}” is not an answer we can read: use yes or no, or leave it empty`,
	'qty-unreadable': (p) => `“${p.value ?? ''}” is not a quantity we can read: use a whole number other than 0, e.g. 2 or -1 for a return`,
	'item-unknown': (p) => (p.name ? `${p.name} is no longer in the catalogue` : 'This item is no longer in the catalogue'),
	'qty-invalid': (p) => (p.name ? `The quantity of ${p.name} must be a whole number of 1 or more` : 'The quantity must be a whole number of 1 or more'),
	'discount-invalid': () => 'A discount must be a whole amount of zero or more',
	'points-invalid': () => 'Points must be a whole number of zero or more',
	'points-whole-units': (p) =>
		`${p.name ?? 'This item'} is paid with points only whole: ${p.pointsPrice ?? 'a fixed number of'} points per item`,
	'points-exceed-line': (p) => `At most ${p.max ?? 'a few'} points can pay for ${p.name ?? 'this line'}`,
	'points-exceed-balance': (p) => `Only ${p.available ?? '0'} points available`,
	'points-not-allowed': (p) => `${p.name ?? 'This item'} cannot be paid with points`,
	'points-need-customer': () => 'Add the customer to the sale before paying with their points',
	'cart-empty': () => 'Add at least one item to the sale',
	'payment-invalid': () => 'A payment must be a whole amount above zero, by cash or card',
	'payment-short': (p) => (p.amount ? `${p.amount} still to pay` : 'The payments do not cover the total yet'),
	'payment-card-over': () => 'A card payment cannot be more than is left to pay: only cash gives change',
	'refund-exceeds-original': (p) =>
		p.remaining === '0'
			? `${p.name ?? 'This item'} has already been refunded in full`
			: `Only ${p.remaining ?? 'part'} of ${p.name ?? 'this item'} can still be refunded`,
	'refund-empty': () => 'Choose at least one item to refund',
	'refund-line-unknown': () => 'This line is not on the original receipt',
	'refund-of-refund': () => 'A refund cannot itself be refunded',
	'receipt-missing': () => 'This row has no receipt number',
	'receipt-duplicate': (p) => `${p.receiptNo ? `Receipt ${p.receiptNo}` : 'This receipt'} is already in this shop`,
	'receipt-inconsistent': (p) =>
		`Rows of receipt ${p.receiptNo ?? ''} disagree on ${p.what ?? 'the sale’s details'}${p.row ? ` (see row ${p.row})` : ''}`,
	'receipt-incomplete': (p) =>
		`Left out with the rest of receipt ${p.receiptNo ?? ''}${p.row ? `, because row ${p.row} has a problem` : ''}`,
	'sale-not-found': () => 'This sale is not on this tablet (yet): check the receipt number, or sync and try again',
	'sale-already-tracked': () => 'This sale already belongs to a customer',
	'loyalty-rate-invalid': () => 'Enter the points earned per whole unit of currency: a number from 0 to 100, e.g. 1',
	'point-value-invalid': () => 'Enter what one point is worth in pence or cents: a whole number from 0 to 10000, e.g. 1',
	'rounding-invalid': () => 'Choose how points round: down, to the nearest or up',
	'sale-totals-inconsistent': (p) => `The sale’s ${p.total ?? 'totals'} do not add up to its lines, so it was not recorded`,
	'sale-trace-inconsistent': (p) =>
		`The price explanation of line ${p.line ?? ''} does not match its price, so the sale was not recorded: ring the line up again`,
	'benefits-loading': () => 'Still reading the customer’s group benefits: one moment, then tap Paid again',
	'group-gone': () => 'This group was deleted on another tablet, so the changes could not be saved',
	'group-type-fixed': () => 'The type of a group cannot be changed: create a new group of the type you need',
	'group-not-manual': (p) => `${p.group ? `“${p.group}”` : 'This group'} is not a manual group: its members follow its rule`,
	'group-not-tiered': (p) => `${p.group ? `“${p.group}”` : 'This group'} has no levels`,
	'shop-name-required': () => 'Enter the shop’s name',
	'time-zone-invalid': () => 'Choose a time zone from the list, e.g. Europe/London',
	'currency-invalid': () => 'Use a three-letter currency code, e.g. GBP',
	'stores-required': () => 'Keep at least one store',
	'store-invalid': () => 'Every store needs a name and a short id of its own',
	'printer-lines-too-many': (p) => `Keep to ${p.max ?? 'a few'} lines here`,
	'printer-line-too-long': (p) => `${p.line ? `Line ${p.line}` : 'A line'} is too long: keep each line to ${p.max ?? '48'} characters`,
	'printer-paper-invalid': () => 'Choose 58 mm or 80 mm paper',
	'printer-codepage-invalid': () => 'Choose a code page from the list (Automatic suits most printers)',
	'printer-not-paired': () => 'No receipt printer is paired with this tablet: pair one in Settings → Receipt printer, or use the print dialog',
	'printer-not-connected': (p) =>
		`${p.printer ? `The printer ${p.printer}` : 'The receipt printer'} is not connected: plug it in and switch it on (it reconnects by itself), then tap Reprint`,
	'printer-unplugged': (p) =>
		`${p.printer ? `The printer ${p.printer}` : 'The receipt printer'} was unplugged or switched off while printing${p.receipt ? ` receipt ${p.receipt}` : ''}. The sale is saved; plug the printer back in and tap Reprint`,
	'printer-timeout': (p) =>
		`${p.printer ? `The printer ${p.printer}` : 'The receipt printer'} stopped answering${p.receipt ? ` while printing receipt ${p.receipt}` : ''}: check the paper and the cover. The sale is saved; tap Reprint when it is ready`,
	'printer-write-failed': (p) =>
		`${p.printer ? `The printer ${p.printer}` : 'The receipt printer'} refused the receipt${p.receipt ? ` ${p.receipt}` : ''} (out of paper, cover open or a jam?). The sale is saved; fix the printer and tap Reprint`,
	'printer-language-unsupported': (p) =>
		`${p.printer ? `The printer ${p.printer}` : 'This printer'} only prints pictures, which this app cannot send: use an ESC/POS or Star printer, or the print dialog`,
	'printer-pair-failed': (p) =>
		`The printer could not be opened${p.reason ? ` (${p.reason})` : ''}: another app or tab may be using it. Close it, unplug and replug the printer, and try again`,
	'reason-required': () => 'Say why: the reason is kept with the adjustment',
	'file-empty': () => 'This file is empty. Choose the spreadsheet saved as CSV, with the column names in the first row.',
	'file-not-csv': () =>
		'This file is not a CSV file (it looks like a picture, a PDF or another program’s file). In your spreadsheet program choose Save As › CSV, then choose that file.',
	'file-workbook': () =>
		'This is a spreadsheet workbook (Excel or similar), not a CSV file. Open it in your spreadsheet program, choose Save As › CSV UTF-8, then choose that file.',
	'file-no-rows': (p) =>
		`This file has only the column names and no ${p.noun ?? 'rows'} to import. The first row holds the column names; the ${p.noun ?? 'rows'} follow it.`,
	'file-too-many-columns': (p) =>
		`This file has ${p.columns ?? 'too many'} columns; an import reads at most ${p.max ?? '100'}. Check it was saved as CSV with the right separator, or delete the columns you do not need.`,
	'file-line-too-long': () =>
		'The first line of this file is longer than a million characters without a line break, so it is not a spreadsheet saved as CSV. Nothing was imported.',
	'group-name-required': () => 'Enter the group’s name',
	'group-name-taken': (p) =>
		p.name ? `There is already a group called “${p.name}”: choose another name` : 'There is already a group with this name: choose another name',
	'group-in-use': (p) =>
		`This group cannot be deleted while ${p.users ? `the rule of ${p.users}` : 'another group’s rule'} uses it: change that rule first`,
	'group-built-in': (p) => `${p.name ? `“${p.name}”` : 'This group'} is built in: it cannot be deleted, created or changed into another type`,
	'group-type-invalid': () => 'Choose the type of group: manual, automatic or tiered',
	'discount-pct-invalid': () => 'Enter the discount as a percentage from 0 to 100, e.g. 10, or leave it empty',
	'rule-empty-block': () => 'This block has no conditions: add one, or remove the block',
	'rule-value-missing': (p) => (p.what ? `Enter ${p.what} for this condition` : 'This condition needs a value'),
	'rule-range-impossible': (p) => p.why ?? 'No customer can match this: check the numbers',
	'rule-date-invalid': () => 'Enter a real date, e.g. 2026-01-31, or a number of days ago',
	'rule-unknown-condition': (p) =>
		`This condition${p.kind ? ` (“${p.kind}”)` : ''} is not one this version of the app knows: remove it, or update the app`,
	'rule-unknown-group': () => 'The group this condition refers to no longer exists: choose another group',
	'rule-unknown-level': (p) => `${p.group ? `“${p.group}”` : 'That group'} has no such level: choose one of its levels`,
	'rule-cycle': (p) =>
		p.path
			? `A group cannot depend on itself: ${p.path}`
			: 'A group cannot depend on itself through “member of” conditions',
	'rule-needs-update': () => 'This rule was made by a newer version of the app: update the app on this tablet to see or change it',
	'rule-too-deep': (p) => `Blocks can be nested at most ${p.max ?? '8'} deep`,
	'tier-levels-required': () => 'Add at least one level',
	'tier-level-name-required': () => 'Enter the level’s name',
	'tier-level-name-taken': (p) => `Two levels are called ${p.name ? `“${p.name}”` : 'the same'}: give each level its own name`,
	'tier-levels-overlap': (p) =>
		`This level overlaps ${p.other ? `“${p.other}”` : 'another level'}: its minimum must be at least the other level’s maximum`,
	'tier-min-invalid': () => 'Enter the minimum as a number of zero or more',
	'tier-max-invalid': () => 'The maximum must be more than the minimum, or empty for no upper limit',
	'tier-window-invalid': () => 'Choose the period: rolling 1 to 120 months, the calendar year, since a real date, or all time',
	'tier-retention-invalid': () => 'Retention is a whole number of months from 0 (none) to 120',
	'level-override-invalid': (p) => p.why ?? 'Choose one of this group’s levels and an end date from today on',
	// ---- Benefits, coupons, policy and redemption allowance ----
	'benefit-kind-invalid': () => 'Choose what the benefit gives: a discount, a price book, a points multiplier, a redemption limit, loyalty, app access or VIP',
	'benefit-target-unknown': () => 'The group or level this benefit is for no longer exists: choose another',
	'benefit-pct-invalid': () => 'Enter the percentage from 0 to 100, at most two decimals, e.g. 7 or 12.5',
	'benefit-price-book-name-required': () => 'Enter the price book’s name',
	'benefit-price-book-empty': () => 'Add at least one item, brand or category to the price book',
	'benefit-item-unknown': (p) => `${p.value ? `Item ${p.value}` : 'This item'} is not in the catalogue: choose an item from the list`,
	'benefit-brand-unknown': (p) => `No item in the catalogue has the brand ${p.value ? `“${p.value}”` : 'entered'}: check the spelling`,
	'benefit-category-unknown': (p) => `No item in the catalogue is in the category ${p.value ? `“${p.value}”` : 'entered'}: check the spelling`,
	'benefit-entry-duplicate': (p) => `${p.value ? `“${p.value}”` : 'This'} is already in this price book (entry ${p.other ?? 'above'}): keep one`,
	'benefit-amount-invalid': () => 'Enter the amount as zero or more, e.g. 8.50',
	'benefit-price-below-zero': (p) =>
		`This would take the price of ${p.name ?? 'an item'} below zero${p.price ? ` (its price is ${p.price})` : ''}: take off less`,
	'benefit-multiplier-invalid': () => 'Enter the points multiplier as a number above 0 and at most 100, e.g. 1.5',
	'benefit-limit-invalid': () => 'Enter the most points members may redeem as a whole number above 0, e.g. 500',
	'benefit-period-invalid': () => 'Choose the period of the limit: day, week or month',
	'benefit-categories-required': () => 'Choose at least one category',
	'benefit-needs-update': () => 'This benefit was made by a newer version of the app: update the app on this tablet to see, change or apply it',
	'benefit-removal-reason-required': () => 'Say why the discount is removed: the reason is kept with the sale',
	'benefit-group-in-use': (p) =>
		`${p.count ?? 'Some'} ${p.count === '1' ? 'benefit or coupon depends' : 'benefits or coupons depend'} on ${p.group ? `“${p.group}”` : 'this group'}: remove ${p.count === '1' ? 'it' : 'them'} with the group, or keep the group`,
	'benefit-gone': () => 'This benefit was deleted on another tablet, so the changes could not be saved',
	'coupon-gone': () => 'This coupon was deleted on another tablet, so the changes could not be saved',
	'coupon-needs-update': () => 'This coupon was made by a newer version of the app: update the app on this tablet to change it',
	'policy-needs-update': () =>
		'The benefit policy was set by a newer version of the app: update the app on this tablet to change it (till prices use best price meanwhile)',
	'coupon-code-invalid': () => 'A coupon code is 3 to 32 letters or digits, e.g. SPRING26',
	'coupon-code-taken': (p) => `${p.code ? `The code ${p.code}` : 'This code'} is already used by another coupon`,
	'coupon-value-invalid': () => 'Enter the coupon’s value: an amount above zero, or a percentage above 0 up to 100',
	'coupon-uses-invalid': () => 'Enter the uses per customer as a whole number of 1 or more, or leave it empty for no limit',
	'coupon-group-unknown': () => 'This group or level no longer exists: choose another or remove it',
	'date-range-empty': () => 'Choose both a start and an end date',
	'date-range-invalid': () => 'Enter a real date, e.g. 2026-03-31',
	'date-range-reversed': () => 'The end date is before the start date: swap them or choose another end',
	'report-range-too-long': (p) => `A report covers at most ${p.max ?? 'ten'} years: choose a later start date`,
	'campaign-channel-invalid': () => 'Choose the campaign’s channel: email or SMS',
	'policy-invalid': () => 'Choose how benefits combine: best price, priority order, newest group, or stack',
	'policy-priority-missing': (p) =>
		`${p.group ? `“${p.group}”` : 'A group'} gives benefits but is missing from the priority order: put it in its place`,
	'policy-priority-unknown': () => 'This group no longer exists: remove it from the priority order',
	'policy-priority-duplicate': (p) => `${p.group ? `“${p.group}”` : 'This group'} is in the priority order twice: keep it once`,
	'redemption-over-allowance': (p) =>
		`${p.group ? `${p.group} members` : 'Members'} may redeem at most ${p.limit ?? 'a few'} points ${periodWords(p.period)}: ${p.remaining ?? '0'} left${p.resets ? ` (it starts again on ${p.resets})` : ''}`,
	'redemption-loyalty-off': (p) => `Loyalty is switched off for ${p.group ? `${p.group} members` : 'this customer'}: no points can be redeemed or earned`,
	'sale-date-unreadable': (p) =>
		`${p.value ? `“${p.value}” is not a date and time we can read` : 'This sale has no date'}: use YYYY-MM-DD HH:MM or ${p.example ?? 'DD/MM/YYYY HH:MM'}`
};

function card(p: Params): string {
	return p.card ? `Card ${p.card}` : 'This card';
}

function periodWords(period: string | undefined): string {
	return period === 'day' ? 'a day' : period === 'week' ? 'a week (Monday to Sunday)' : period === 'month' ? 'a calendar month' : 'per period';
}

function channelLabel(channel: string): string {
	return channel === 'sms' ? 'SMS' : channel;
}

export function messageFor(e: FieldError): string {
	return MESSAGES[e.code](e.params ?? {});
}

/** The message of the first error on `field`, or null when it has none. */
export function messageOf(errors: readonly FieldError[], field: string): string | null {
	const e = errors.find((x) => x.field === field);
	return e ? messageFor(e) : null;
}

/**
 * A write a service refused because what it was given is invalid, where the caller should have
 * checked first (an import already validated row by row, a settings form): a bug, not an
 * outcome people cause, so it is thrown, and describeError words it.
 */
export class InvalidWriteError extends Error {
	readonly errors: FieldError[];
	constructor(what: string, errors: FieldError[]) {
		super(`${what} not saved: ${errors.map(messageFor).join('; ')}`);
		this.name = 'InvalidWriteError';
		this.errors = errors;
	}
}
