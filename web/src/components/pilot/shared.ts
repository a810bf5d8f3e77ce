/**
 * What the pilot page's forms share: the signed-in user as the actor a record names (the API
 * checks it is the user), documents uploaded to the pilot (multipart: `kind`, then `file`;
 * the record cites the returned reference), a download link of a document, and a fresh entry id.
 */
import type { Actor } from '../../../../domain/actor';
import type { DocumentKind, DocumentRef } from '../../../../domain/documents';
import type { PilotWithTimeline } from '../../../../client/web/timeline';
import { nextTick, type Directive } from 'vue';
import { api } from '../../api';
import { action, session } from '../../session';

export type PilotView = PilotWithTimeline;

export function actor(): Actor {
  const me = session.me!;
  return { id: me.id, role: me.role, ...(me.college ? { college: me.college } : {}) };
}

/** Uploads one file to the pilot's documents; the reference a record cites. */
export async function uploadDocument(pilotId: string, kind: DocumentKind, file: File): Promise<DocumentRef> {
  const form = new FormData();
  form.append('kind', kind);
  form.append('file', file, file.name);
  const a = action('uploadDocument', { id: pilotId });
  const d = await api<DocumentRef>(a.method, a.path, undefined, { form });
  return { id: d.id, sha256: d.sha256, name: d.name, size: d.size, type: d.type };
}

export const downloadHref = (documentId: string): string => action('downloadDocument', { documentId }).path;

/** An entry id people need not type: the kind and the moment (unique per pilot). */
export function newEntryId(prefix: string): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${prefix}-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Removes empty optional strings (the schemas refuse '' where they expect text). */
export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null)) as T;
}

/**
 * Brings a form's field into view and gives it the focus once it is shown (an e-mail link's
 * form opens in a collapsing panel): tries for up to a second.
 */
export async function focusWhenShown(root: () => HTMLElement | undefined, selector: string): Promise<void> {
  await nextTick();
  for (let i = 0; i < 20; i++) {
    const el = root()?.querySelector<HTMLElement>(selector);
    if (el && el.offsetParent !== null && el.getBoundingClientRect().height > 0) {
      el.scrollIntoView({ block: 'center' });
      el.focus();
      if (document.activeElement === el) return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `v-scroll-focusable` on an el-table: on a phone its rows scroll sideways, so the scrolling
 * region takes the keyboard focus (and a name) to be scrolled without a mouse.
 */
export const vScrollFocusable: Directive<HTMLElement, string | undefined> = {
  mounted: focusable,
  updated: focusable,
};
function focusable(el: HTMLElement, binding: { value: string | undefined }): void {
  for (const wrap of el.querySelectorAll<HTMLElement>('.el-scrollbar__wrap')) {
    wrap.tabIndex = 0;
    wrap.setAttribute('role', 'region');
    if (binding.value) wrap.setAttribute('aria-label', binding.value);
  }
}
