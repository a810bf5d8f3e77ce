/** An inbox item's due date as staff count it: working days left or overdue (client/web/inbox.ts `timing`). */
import type { Bilingual } from '../../../../domain/errors';
import type { InboxItem } from '../../../../client/web/view';
import { pair } from '../../i18n';

export function dueWords(i: Pick<InboxItem, 'dueAt' | 'overdue' | 'workingDaysLeft' | 'workingDaysOverdue'>): Bilingual | undefined {
  if (i.overdue) {
    const n = i.workingDaysOverdue ?? 0;
    return n > 0 ? pair('inbox.daysOverdue', { n }) : pair('inbox.overdueToday');
  }
  if (!i.dueAt) return undefined;
  const n = i.workingDaysLeft ?? 0;
  return n > 0 ? pair('inbox.daysLeft', { n }) : pair('inbox.dueToday');
}
