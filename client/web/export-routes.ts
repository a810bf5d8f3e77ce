/**
 * The export routes (client/actions.ts exportPilot, exportCollege, exportProgramme; issue 12
 * observation 6): a pilot's audit trail and ledger; a college's or the whole programme's
 * summary (one row per pilot of the one pilot list) with the audit trails and ledgers of its
 * pilots. XLSX or CSV, under a Chinese file name (RFC 5987).
 *
 * Scoping is the edge's (client/auth/scope.ts): a pilot's export like every pilot route, a
 * college's only for its own college's users and the school-wide readers, the programme's
 * only for the school-wide readers. A pilot that cannot answer makes the whole export a 503
 * (client/workflow-deadline.ts), never a workbook with pilots missing.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { shanghaiDate } from '../../domain/calendar';
import { inputError } from '../../domain/errors';
import { pilotWorkflowId } from '../../domain/pilot';
import { parseOrRefuse, stripControlCharacters } from '../../domain/validation';
import { pilotStateQuery } from '../../workflows/messages';
import type { DocumentStore } from '../documents/store';
import { mergeTimeline } from './timeline';
import type { PilotState } from '../../workflows/pilot-state';
import { exportQuerySchema, manyExportQuerySchema } from '../actions';
import type { UserStore } from '../auth/users';
import { contentDisposition } from '../http-headers';
import type { ActionHandlers } from '../routes/action-types';
import { PilotService, ServiceError, type PilotListItem } from '../service';
import { withWorkflowDeadline } from '../workflow-deadline';
import { auditTable, ledgerTable, summaryTable, toCsv, toXlsx, type ExportNames, type SummaryPilot, type Table } from './export';
import type { Client } from '@temporalio/client';
import type { FastifyReply } from 'fastify';

export interface ExportDeps {
  client: Client;
  taskQueue: string;
  auth?: { users: Pick<UserStore, 'all'> };
  /** For a pilot's export: its documents' uploads and restricted downloads in the audit trail. */
  documents?: Pick<DocumentStore, 'accessLog'>;
}

/** The most pilots one college or programme export reads. */
const MAX_EXPORT_PILOTS = 5000;
/** How many pilots are queried at once. */
const CONCURRENCY = 8;

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A file name part without what a file system refuses. */
const fileSafe = (s: string) =>
  stripControlCharacters(s)
    .replace(/[\\/:*?"<>|]/g, '_')
    .slice(0, 80);

export function exportHandlers(deps: ExportDeps): ActionHandlers {
  const pilots = new PilotService(deps.client, deps.taskQueue);
  const names: ExportNames = {
    // Former users keep their names in the record (a disabled user is still who acted).
    person: (id) => deps.auth?.users.all().find((u) => u.id === id)?.name,
  };
  const stateOf = async (pilotId: string): Promise<PilotState | undefined> => {
    try {
      return await withWorkflowDeadline(deps.client, () => deps.client.workflow.getHandle(pilotWorkflowId(pilotId)).query(pilotStateQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  };

  const send = async (reply: FastifyReply, format: 'csv' | 'xlsx', base: string, title: string, tables: Table[]) => {
    if (format === 'csv')
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', contentDisposition(`${base}.csv`))
        .send(toCsv(tables));
    return reply
      .header('content-type', XLSX_TYPE)
      .header('content-disposition', contentDisposition(`${base}.xlsx`))
      .send(await toXlsx(title, tables));
  };

  /** Every pilot of the list with its state, in the list's order; one that cannot answer fails the whole export (503). */
  const summaryOf = async (rows: PilotListItem[]): Promise<SummaryPilot[]> => {
    const found = await mapLimit(rows, CONCURRENCY, async (r): Promise<SummaryPilot | undefined> => {
      const state = await stateOf(r.pilotId);
      // Only a pilot that no longer exists is left out.
      if (!state) return undefined;
      return {
        state,
        ...(r.stage !== undefined ? { stage: r.stage } : {}),
        ...(r.escalated !== undefined ? { escalated: r.escalated } : {}),
        ...(r.cancellationRisk !== undefined ? { cancellationRisk: r.cancellationRisk } : {}),
      };
    });
    return found.filter((p): p is SummaryPilot => p !== undefined).sort((a, b) => a.state.pilot.id.localeCompare(b.state.pilot.id));
  };

  const many = async (
    reply: FastifyReply,
    input: unknown,
    filter: { college?: string },
    base: (list: SummaryPilot[]) => string,
    title: (list: SummaryPilot[]) => string,
  ) => {
    const q = parseOrRefuse(manyExportQuerySchema, input);
    const rows = await pilots.listPilotRows(filter, MAX_EXPORT_PILOTS + 1, { ownTaskQueue: true });
    // Never a workbook with pilots silently cut off.
    if (rows.length > MAX_EXPORT_PILOTS)
      throw new ServiceError(413, [
        inputError(
          '(pilots)',
          `试点超过 ${MAX_EXPORT_PILOTS} 个，请按学院分别导出`,
          `more than ${MAX_EXPORT_PILOTS} pilots: export college by college`,
          'export.tooMany',
        ),
      ]);
    const list = await summaryOf(rows);
    const states = list.map((p) => p.state);
    const tables: Table[] = [];
    if (q.what === 'summary' || q.what === 'all') tables.push(summaryTable(list));
    if (q.what === 'audit' || q.what === 'all') tables.push(auditTable(states, names));
    if (q.what === 'ledger' || q.what === 'all') tables.push(ledgerTable(states, names));
    const kind = { summary: '试点汇总', audit: '试点审计记录', ledger: '试点专项资金账', all: '试点汇总与审计记录' }[q.what];
    return send(reply, q.format, `${kind}-${fileSafe(base(list))}-${shanghaiDate(Date.now())}`, title(list), tables);
  };

  return {
    exportPilot: async ({ params, input, reply }) => {
      const q = parseOrRefuse(exportQuerySchema, input);
      const found = await stateOf(params.id!);
      if (!found)
        throw new ServiceError(404, [
          inputError('pilotId', `试点 ${params.id} 不存在`, `pilot ${params.id} does not exist`, 'pilot.notFound'),
        ]);
      // The whole timeline, as the page shows it: every approval event and the documents' access.
      const s = {
        ...found,
        timeline: mergeTimeline(found.audit, await pilots.approvalStates(found), deps.documents?.accessLog(params.id!) ?? []),
      };
      const tables =
        q.what === 'audit'
          ? [auditTable(s, names)]
          : q.what === 'ledger'
            ? [ledgerTable(s, names)]
            : [auditTable(s, names), ledgerTable(s, names)];
      const kind = { audit: '试点审计记录', ledger: '试点专项资金账', all: '试点审计记录与专项资金账' }[q.what];
      const p = s.current;
      return send(
        reply,
        q.format,
        `${kind}-${fileSafe(s.pilot.id)}`,
        `试点 Pilot ${s.pilot.id}：${p.college.name} ${p.major.name} ${p.certificate.name}`,
        tables,
      );
    },
    exportCollege: async ({ params, input, reply }) => {
      const college = params.collegeId!;
      const collegeName = (list: SummaryPilot[]) => list[0]?.state.current.college.name ?? college;
      return many(
        reply,
        input,
        { college },
        collegeName,
        (list) => `${collegeName(list)} 1+X 证书试点（${list.length} 个）/ college pilots`,
      );
    },
    exportProgramme: async ({ input, reply }) =>
      many(
        reply,
        input,
        {},
        () => '全校',
        (list) => `全校 1+X 证书试点（${list.length} 个）/ the whole programme`,
      ),
  };
}
