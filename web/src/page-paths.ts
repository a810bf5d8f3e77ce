/**
 * Every path of the admin page, with its view and title key. One list for the router
 * (web/src/router.ts) and the server, which answers these paths with the page's shell
 * (client/web/routes.ts): fastify's path syntax (`:id`, a final `*`) is what both read.
 */
export interface PagePath {
  name: string;
  path: string;
  /** The view file in web/src/views/. */
  view: string;
  /** i18n key of the page's title. */
  title: string;
  public?: boolean;
  redirect?: string;
}

export const pageRoutes: PagePath[] = [
  { name: 'home', path: '/', view: 'Home', title: 'app.title' },
  { name: 'signin', path: '/signin', view: 'SignIn', title: 'signin.title', public: true },
  // Not public: the router sends a signed-out reader to sign in first (saying why), then back here.
  { name: 'link', path: '/l/:token(.*)', view: 'LinkLanding', title: 'link.title' },
  { name: 'inbox', path: '/inbox', view: 'Inbox', title: 'inbox.title' },
  { name: 'dashboard', path: '/dashboard', view: 'Dashboard', title: 'dashboard.title' },
  { name: 'pilots', path: '/pilots', view: 'Pilots', title: 'pilots.title' },
  { name: 'pilotNew', path: '/pilots/new', view: 'PilotNew', title: 'pilotNew.title' },
  { name: 'pilot', path: '/pilots/:id', view: 'Pilot', title: 'pilot.title' },
  { name: 'approvalNew', path: '/pilots/:id/approvals/new', view: 'ApprovalNew', title: 'approvalNew.title' },
  { name: 'approval', path: '/pilots/:id/approvals/:approvalId', view: 'Approval', title: 'approval.title' },
  { name: 'bulk', path: '/bulk', view: 'Bulk', title: 'bulk.title' },
  { name: 'users', path: '/users', view: 'Users', title: 'users.title' },
];

/** The same paths in fastify's syntax, for the server. */
export function serverPaths(): string[] {
  return pageRoutes.map((p) => p.path.replace('/:token(.*)', '/*'));
}
