/**
 * Art. 6(4) — the pilot lead draws up the examiner-training plan (考评人员培训计划) and
 * submits it to the college and Academic Affairs for review, in that order.
 */
import { z } from 'zod';
import { academicAffairsStep, collegeLeaderStep, defineChain } from './approval';
import { idSchema, isoDateSchema, personSchema } from './pilot';
import { defineRule } from './rules';
import { requiredText } from './validation';

export const examinerRules = {
  reviewChain: defineRule({
    id: 'art6.examinerPlanReview',
    article: { article: 6, item: 4 },
    severity: 'hard',
    title: {
      zh: '考评人员培训计划由试点负责人制定，报二级学院和教务部审核',
      en: "the lead's examiner-training plan is reviewed by the college, then Academic Affairs",
    },
    enforcedIn: ['domain/examiner.ts#examinerPlanReviewChain', 'domain/approval.ts#checkApprover', 'workflows/approval/decisions.ts'],
  }),
} as const;

export const examinerPlanReviewChain = defineChain('examinerPlan', examinerRules.reviewChain, [collegeLeaderStep, academicAffairsStep]);

export const examinerTrainingPlanSchema = z
  .object({
    id: idSchema,
    pilotId: idSchema,
    year: z.number().int().min(2019).max(2100),
    /** Teachers to be trained as examiners (考评员). */
    trainees: z.array(personSchema).min(1).max(200),
    content: requiredText(5000, '培训内容不能为空', 'the training content must not be blank'),
    /** Who provides the training, usually the evaluation organisation. */
    provider: requiredText(200, '培训提供方不能为空', 'the provider must not be blank'),
    from: isoDateSchema,
    to: isoDateSchema,
  })
  .superRefine((p, ctx) => {
    if (p.to < p.from)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'the end cannot precede the start',
        params: { zh: '结束日期不能早于开始日期' },
      });
  });
export type ExaminerTrainingPlan = z.output<typeof examinerTrainingPlanSchema>;
