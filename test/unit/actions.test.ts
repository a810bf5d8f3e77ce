/**
 * The action table (client/actions.ts, issue 11): every entry is declared whole — a strict
 * schema, a unique method and route, a CLI command, a bilingual summary citing the article —
 * and the API registers no route of its own beside it (only the public, sign-in/session,
 * link and user-administration routes), so a path is written once.
 */
import type { Client } from '@temporalio/client';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { actionNames, actions, actionPath, noInput, pageRoutes, type ActionSpec } from '../../client/actions';
import { buildApi } from '../../client/api';
import type { ApiStateStore } from '../../client/auth/store';
import type { UserStore } from '../../client/auth/users';
import { actionCommand, bodyFromFlags } from '../../client/cli-common';
import { pageHtml } from '../../client/web/routes';
import { unknownFields } from '../../domain/validation';

const entries = actionNames.map((name) => [name, actions[name] as ActionSpec] as const);

describe('the action table', () => {
  it('gives every entry a strict schema that refuses an unknown field by name', () => {
    for (const [name, spec] of entries) {
      const found = unknownFields(spec.schema, { zzNotAField: 1 });
      expect(
        found.map((r) => r.field),
        name,
      ).toContain('zzNotAField');
      if (spec.body)
        expect(
          unknownFields(spec.body, { zzNotAField: 1 }).map((r) => r.field),
          name,
        ).toContain('zzNotAField');
    }
  });

  it('gives every entry a unique method and route under /api/', () => {
    const seen = new Map<string, string>();
    for (const [name, spec] of entries) {
      const key = `${spec.method} ${spec.route}`;
      expect(spec.route.startsWith('/api/'), name).toBe(true);
      expect(seen.get(key), `${name} repeats ${key}`).toBeUndefined();
      seen.set(key, name);
    }
  });

  it('gives every action a CLI command (or names the action whose command does it), unique, and one that commander accepts', () => {
    const program = new Command();
    const names = new Set<string>();
    for (const [name, spec] of entries) {
      if (spec.method === 'POST') {
        if (spec.cli === null) {
          expect(spec.cliVia, `${name} has no CLI command`).toBeDefined();
          expect(actionNames as readonly string[], name).toContain(spec.cliVia);
          expect(actions[spec.cliVia as keyof typeof actions].cli, name).not.toBeNull();
        }
      }
      if (spec.cli === null) continue;
      const words = spec.cli
        .split(' ')
        .filter((w) => !w.startsWith('<'))
        .join(' ');
      expect(names.has(words), `${name}: CLI command ${words} twice`).toBe(false);
      names.add(words);
      const cmd = actionCommand(program, name);
      expect(cmd.description(), name).toBe(`${spec.summary.zh} / ${spec.summary.en}`);
    }
  });

  it('gives every entry a summary in Chinese first and in English; every action cites its article in both', () => {
    for (const [name, spec] of entries) {
      expect(spec.summary.zh, name).toMatch(/[\u4e00-\u9fff]/);
      expect(spec.summary.en, name).toMatch(/^[\x20-\x7e’]+$/);
      if (spec.method === 'POST') {
        expect(spec.summary.zh, name).toMatch(/第[一二三四五六七八九十、]+条/);
        expect(spec.summary.en, name).toMatch(/Art\. \d+/);
      }
    }
  });

  it("maps each declared CLI flag to a field of the action's schema", () => {
    for (const [name, spec] of entries)
      for (const f of spec.flags ?? []) expect(unknownFields(spec.schema, { [f.field]: 'x' }), `${name} ${f.flag}`).toEqual([]);
    const program = new Command().exitOverride();
    const cmd = actionCommand(program, 'recordApprovalFiling').action(() => undefined);
    program.parse(['approval', 'filing', 'p1', 'budget-1', '--filed-on', '2026-12-01', '--reference', '苏教备〔2026〕1号'], {
      from: 'user',
    });
    expect(bodyFromFlags('recordApprovalFiling', cmd.opts())).toEqual({ filedOn: '2026-12-01', reference: '苏教备〔2026〕1号' });
    const passed = actionCommand(program, 'recordAssessmentResult').action(() => undefined);
    program.parse(['assessment-result', 'p1', 's1', '--passed', '27'], { from: 'user' });
    expect(bodyFromFlags('recordAssessmentResult', passed.opts())).toEqual({ passed: 27 });
  });

  it('fills a route with percent-encoded parameters, and refuses a missing one', () => {
    expect(actionPath('recordExpense', { id: 'p 1/x' })).toBe('/api/pilots/p%201%2Fx/expenses');
    expect(() => actionPath('recordExpense', {})).toThrow(/id/);
  });

  it('writes each route into the page as data the page reads (no inline script)', () => {
    const html = pageHtml('<html><head></head><body></body></html>');
    const m = /<script type="application\/json" id="onex-routes">([^<]*)<\/script>/.exec(html);
    expect(m).not.toBeNull();
    expect(JSON.parse(m![1]!)).toEqual(pageRoutes());
    expect(pageRoutes().recordExpense).toEqual({ method: 'POST', route: '/api/pilots/:id/expenses', roles: actions.recordExpense.roles });
    expect(pageRoutes().recordExpense.roles).not.toContain('schoolLeader');
  });
});

describe('the API registers its routes from the table', () => {
  it('every /api/ route but the sign-in, session, link, directory and user-administration ones is an entry of the table', async () => {
    const app = buildApi({
      client: {} as Client,
      taskQueue: 'onex',
      logger: false,
      auth: {
        users: {} as UserStore,
        sessionSecret: 's'.repeat(32),
        linkSecret: 'l'.repeat(32),
        state: {} as ApiStateStore,
        securityLog: () => undefined,
      },
    });
    await app.ready();
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    await app.close();
    const registered = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{([A-Za-z]+)\}/g, ':$1')}`),
    );
    const table = new Set(entries.map(([, s]) => `${s.method} ${s.route}`));
    const outside = registered.filter((r) => !table.has(r));
    expect(outside.sort()).toEqual(
      [
        'DELETE /api/session',
        'GET /api/directory',
        'GET /api/session',
        'GET /api/users',
        'POST /api/links/verify',
        'POST /api/session',
        'POST /api/session/everywhere',
        'POST /api/users',
        'POST /api/users/:userId',
        'POST /api/users/:userId/disable',
        'POST /api/users/:userId/enable',
        'POST /api/users/:userId/reset-password',
        'POST /api/users/:userId/sign-out-everywhere',
        'POST /api/users/:userId/tokens',
        'POST /api/users/:userId/tokens/:tokenId/revoke',
      ].sort(),
    );
    // …and every entry of the table is registered, with its summary in the description.
    for (const [name, spec] of entries) {
      expect(registered, name).toContain(`${spec.method} ${spec.route}`);
      const op = doc.paths[spec.route.replace(/:([A-Za-z]+)/g, '{$1}')]![spec.method.toLowerCase()] as {
        summary: string;
        requestBody?: unknown;
      };
      expect(op.summary, name).toBe(`${spec.summary.zh} / ${spec.summary.en}`);
      if (spec.method === 'POST') expect(op.requestBody, name).toBeDefined();
    }
    expect(entries.filter(([, s]) => s.method === 'GET' && s.schema !== noInput).length).toBeGreaterThan(0);
  });
});
