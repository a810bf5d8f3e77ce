/**
 * The page's paths. The server serves the page's shell for exactly these (client/web/routes.ts
 * reads {@link pagePaths}); every view is loaded on first use. After each navigation the
 * document title names the page and focus moves to its heading (for screen readers and
 * keyboard users).
 */
import { nextTick } from 'vue';
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { whenSignedOut } from './api';
import { tk } from './i18n';
import { loadSession, session } from './session';
import { pageRoutes } from './page-paths';

const views = import.meta.glob('./views/*.vue');
const routes: RouteRecordRaw[] = pageRoutes.map((p) => ({
  path: p.path,
  name: p.name,
  component: views[`./views/${p.view}.vue`]!,
  meta: { title: p.title, public: p.public ?? false },
  ...(p.redirect ? { redirect: p.redirect } : {}),
})) as RouteRecordRaw[];

export const router = createRouter({ history: createWebHistory('/'), routes });

router.beforeEach(async (to) => {
  if (!session.loaded) await loadSession();
  if (!to.meta.public && !session.me) return { name: 'signin', query: { next: to.fullPath } };
  return true;
});

router.afterEach(async (to) => {
  document.title = `${tk(String(to.meta.title ?? 'app.title'))} · onex`;
  await nextTick();
  // Views that load data focus their heading again once it is there.
  setTimeout(() => document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: false }), 0);
});

whenSignedOut(() => {
  session.me = undefined;
  if (router.currentRoute.value.name !== 'signin')
    void router.push({ name: 'signin', query: { next: router.currentRoute.value.fullPath } });
});
