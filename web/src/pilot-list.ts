/**
 * The pilots one may see, as the dashboard answers them (names and college names, never only
 * ids), and the search and filters the pilot list, the bulk page and the dashboard share:
 * name, college (by name), stage, escalated, overdue, at risk. The list is bounded by the
 * dashboard's limit; filtering happens here so that "select all filtered" selects exactly
 * what is shown.
 */
import { computed, reactive, ref } from 'vue';
import type { DashboardView } from '../../client/web/dashboard';
import { ApiError } from './api';
import { ruleText } from './i18n';
import { call } from './session';

export type DashboardAnswer = DashboardView & { filter: Record<string, unknown> };
export type ListedPilot = DashboardView['pilots'][number];

export interface PilotFilter {
  q: string;
  college: string;
  stage: string;
  escalated: boolean;
  overdue: boolean;
  atRisk: boolean;
}

export function emptyFilter(): PilotFilter {
  return { q: '', college: '', stage: '', escalated: false, overdue: false, atRisk: false };
}

export function matches(p: ListedPilot, f: PilotFilter): boolean {
  const q = f.q.trim().toLowerCase();
  if (q && !`${p.name} ${p.collegeName} ${p.leadName ?? ''} ${p.pilotId}`.toLowerCase().includes(q)) return false;
  if (f.college && p.college !== f.college) return false;
  if (f.stage && (p.stage ?? 'implementation') !== f.stage) return false;
  if (f.escalated && !p.escalated) return false;
  if (f.overdue && !p.overdue) return false;
  if (f.atRisk && !p.cancellationRisk) return false;
  return true;
}

/** Loads the dashboard's answer (a load that failed shows its error, never an empty list). */
export function usePilotList(query: () => Record<string, string> = () => ({})) {
  const data = ref<DashboardAnswer>();
  const loading = ref(false);
  const error = ref('');
  const filter = reactive<PilotFilter>(emptyFilter());
  async function load() {
    loading.value = true;
    error.value = '';
    try {
      data.value = await call<DashboardAnswer>('dashboard', {}, query());
    } catch (err) {
      error.value = err instanceof ApiError ? err.results.map(ruleText).join('；') : String(err);
    } finally {
      loading.value = false;
    }
  }
  const pilots = computed(() => data.value?.pilots ?? []);
  const filtered = computed(() => pilots.value.filter((p) => matches(p, filter)));
  const colleges = computed(() => (data.value?.colleges ?? []).map((c) => ({ id: c.id, name: c.name })));
  const stages = computed(() => [...new Set(pilots.value.map((p) => p.stage ?? 'implementation'))]);
  const nameOfPilot = (id: string) => pilots.value.find((p) => p.pilotId === id)?.name ?? id;
  return { data, loading, error, filter, load, pilots, filtered, colleges, stages, nameOfPilot };
}
