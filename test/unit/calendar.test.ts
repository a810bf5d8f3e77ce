import { describe, expect, it } from 'vitest';
import { createChinaCalendar } from '../../domain/calendar';

describe('calendar smoke', () => {
  it('knows the 2026 Spring Festival make-up Saturday', () => {
    expect(createChinaCalendar().isWorkingDay('2026-02-14')).toBe(true);
  });
});
