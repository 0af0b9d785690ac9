// Short confirmations ("Saved") that outlive a navigation, announced politely by <Toasts>.
export interface ToastMessage {
	id: number;
	text: string;
	kind: 'success' | 'info' | 'error';
}

class ToastQueue {
	items = $state<ToastMessage[]>([]);
	#next = 1;

	show(text: string, kind: ToastMessage['kind'] = 'success', ms = 4000): void {
		const id = this.#next++;
		this.items = [...this.items, { id, text, kind }];
		setTimeout(() => this.dismiss(id), ms);
	}

	dismiss(id: number): void {
		this.items = this.items.filter((t) => t.id !== id);
	}

	reset(): void {
		this.items = [];
	}
}

export const toasts = new ToastQueue();
