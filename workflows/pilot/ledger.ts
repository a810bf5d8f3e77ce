/**
 * The pilot's special-fund ledger — Art. 11–14 (第十一条至第十四条, and Art. 5(3)): the college
 * books the special fund's income and expenses; each entry is checked before it is written
 * (no forbidden use, Art. 11; no fee charged to students, Art. 12; exam-service fees, Art. 14;
 * the balance never below zero). The ledger has no timers: nothing of it falls due.
 */
import { setHandler } from '@temporalio/workflow';
import { checkEntryId, fundUseNames, incomeSourceNames, postToLedger } from '../../domain/funds';
import { formatFen } from '../../domain/money';
import { expenseInputSchema, incomeInputSchema } from '../../domain/pilot-actions';
import type { z } from 'zod';
import { recordExpense, recordIncome } from '../messages';
import type { ActionResult } from '../pilot-state';
import { refuse } from '../refusal';
import type { Obligation, PilotContext } from './context';
import { parseInput, requireInPilot, requirePilotSide, requireRunning } from './guards';

function register(ctx: PilotContext): void {
  const s = ctx.s;
  const bookValidator = (kind: 'income' | 'expense') => (raw: unknown) => {
    const entry = kind === 'income' ? parseInput(incomeInputSchema, raw) : parseInput(expenseInputSchema, raw);
    requireRunning(ctx);
    // The college books its spending; Academic Affairs also books allocations in its own right.
    requirePilotSide(ctx, entry.actor, 11, true);
    requireInPilot(
      ctx,
      'date',
      entry.date,
      5,
      kind === 'income' ? { zh: '专项资金收入', en: 'the income' } : { zh: '专项资金支出', en: 'the expense' },
    );
    const item =
      kind === 'income'
        ? { kind: 'income' as const, entry: entry as z.output<typeof incomeInputSchema> }
        : { kind: 'expense' as const, entry: entry as z.output<typeof expenseInputSchema> };
    const repeated = checkEntryId(s.ledger, item);
    if (repeated.length) refuse(repeated);
    const outcome = postToLedger(
      s.ledger,
      kind === 'income'
        ? { kind: 'income', entry: entry as z.output<typeof incomeInputSchema> }
        : { kind: 'expense', entry: entry as z.output<typeof expenseInputSchema> },
    );
    if (!outcome.ok) refuse(outcome.errors);
  };
  setHandler(
    recordExpense,
    (raw): ActionResult => {
      const e = expenseInputSchema.parse(raw);
      const before = s.ledger.balanceFen;
      const r = postToLedger(s.ledger, { kind: 'expense', entry: e });
      if (r.ok) s.ledger = r.value;
      const amt = formatFen(e.amountFen);
      return {
        audit: ctx.audit(
          'ledger.expense',
          e.actor,
          {
            zh: `专项资金支出 ${amt.zh}（${fundUseNames[e.category].zh}）：${e.description}`,
            en: `special-fund expense ${amt.en} (${fundUseNames[e.category].en}): ${e.description}`,
          },
          {
            before: { balanceFen: before },
            after: { balanceFen: s.ledger.balanceFen },
            ruleIds: ['art11.forbiddenUse'],
            ...(e.documents?.length ? { documents: e.documents } : {}),
          },
        ),
      };
    },
    { validator: bookValidator('expense') },
  );
  setHandler(
    recordIncome,
    (raw): ActionResult => {
      const i = incomeInputSchema.parse(raw);
      const before = s.ledger.balanceFen;
      const r = postToLedger(s.ledger, { kind: 'income', entry: i });
      if (r.ok) s.ledger = r.value;
      const amt = formatFen(i.amountFen);
      return {
        audit: ctx.audit(
          'ledger.income',
          i.actor,
          {
            zh: `专项资金收入 ${amt.zh}（${incomeSourceNames[i.source].zh}，${i.payer}）`,
            en: `special-fund income ${amt.en} (${incomeSourceNames[i.source].en}, ${i.payer})`,
          },
          {
            before: { balanceFen: before },
            after: { balanceFen: s.ledger.balanceFen },
            ruleIds: ['art14.examServiceFee'],
            ...(i.documents?.length ? { documents: i.documents } : {}),
          },
        ),
      };
    },
    { validator: bookValidator('income') },
  );
}

export const ledger: Obligation = { register };
