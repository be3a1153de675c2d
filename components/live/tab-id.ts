// This tab's own id, made once per page load: the tab-sharing election names its channel with it,
// and the tab's presence is reported under it. Not crypto.randomUUID: that needs a secure
// context, and presence is reported over plain http too.
let id: string | undefined;

export function thisTabId(): string {
  id ??= Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  return id;
}
