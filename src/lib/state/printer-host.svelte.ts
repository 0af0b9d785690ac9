// What the layout needs of the receipt printer without loading its code: the printer state (its
// drivers, settings and service, ~4 KB) loads at start only when this tablet has a printer paired,
// or when a page that prints opens. It registers itself here, so the layout's fault banner follows
// it either way. A tablet without a printer never downloads it on its first visit.
import type { PrinterState } from './printer.svelte';
import { shop } from './shop.svelte';

/** The kv row of this tablet's printer settings (never replicated). */
export const PRINTER_KEY = 'printer';

class PrinterHost {
	/** The printer state once its module has loaded. */
	current = $state.raw<PrinterState | null>(null);
}

export const printerHost = new PrinterHost();

/** After shop.start(): starts the printer state if it is loaded, else loads it only when a printer is paired here. */
export async function startPrinter(): Promise<void> {
	if (printerHost.current) return printerHost.current.start();
	const stored = (await shop.db.kv.get(PRINTER_KEY))?.value as { paired?: unknown } | undefined;
	if (!stored?.paired) return;
	const { printer } = await import('./printer.svelte');
	await printer.start();
}
