/**
 * Documents (附件): in this programme the records people keep are documents — weekly work
 * reports (Art. 5), provincial material submissions (Art. 19(1)), budget plans (Art. 11),
 * inspection findings and rectification evidence (Art. 18), violation evidence (Art. 19).
 * A record refers to its files by reference (id, SHA-256, name, size, type), never by
 * content: the bytes live in the document store (client/documents), not in workflow history.
 */
import { z } from 'zod';
import { idSchema } from './pilot';

/** What a document belongs to: the record kinds of the regulation that carry files. */
export const documentKinds = [
  'weeklyReport',
  'provincialSubmission',
  'budgetPlan',
  'changeRequest',
  'assessment',
  'inspectionFinding',
  'rectificationEvidence',
  'violationEvidence',
  'other',
] as const;
export type DocumentKind = (typeof documentKinds)[number];

export const documentKindNames: Record<DocumentKind, { zh: string; en: string }> = {
  weeklyReport: { zh: '工作周报（第五条）', en: 'weekly work report (Art. 5)' },
  provincialSubmission: { zh: '报送省级材料（第十九条）', en: 'provincial material submission (Art. 19)' },
  budgetPlan: { zh: '经费预算方案（第十一条）', en: 'budget plan (Art. 11)' },
  changeRequest: { zh: '变更申请（第七条）', en: 'change request (Art. 7)' },
  assessment: { zh: '考核材料（第十六、十七条）', en: 'assessment material (Art. 16–17)' },
  inspectionFinding: { zh: '检查意见（第十八条）', en: 'inspection finding (Art. 18)' },
  rectificationEvidence: { zh: '整改材料（第十八条）', en: 'rectification evidence (Art. 18)' },
  violationEvidence: { zh: '违规证据（第十九条）', en: 'violation evidence (Art. 19)' },
  other: { zh: '其他材料', en: 'other document' },
};

/**
 * Kinds whose every download is recorded in the audit trail (uploads always are): findings
 * and evidence about people and misconduct.
 */
export const restrictedDocumentKinds: readonly DocumentKind[] = ['inspectionFinding', 'rectificationEvidence', 'violationEvidence'];

/**
 * The types a document may have, decided from its content (magic bytes), never from its name.
 * Word/Excel/PowerPoint (new and legacy), PDF, OFD (the national e-document format, a zip),
 * images of scans, and UTF-8 text.
 */
export const documentTypes = {
  'application/pdf': { zh: 'PDF 文档', en: 'PDF' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { zh: 'Word 文档', en: 'Word document' },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { zh: 'Excel 表格', en: 'Excel workbook' },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { zh: 'PowerPoint 演示文稿', en: 'PowerPoint presentation' },
  'application/x-cfb': { zh: 'Word/Excel 97–2003 文档', en: 'Word/Excel 97–2003 document' },
  'application/ofd': { zh: 'OFD 版式文档', en: 'OFD document' },
  'image/jpeg': { zh: 'JPEG 图片', en: 'JPEG image' },
  'image/png': { zh: 'PNG 图片', en: 'PNG image' },
  'text/plain': { zh: '纯文本', en: 'plain text' },
} as const satisfies Record<string, { zh: string; en: string }>;
export type DocumentType = keyof typeof documentTypes;
export const documentTypeNames = Object.keys(documentTypes) as [DocumentType, ...DocumentType[]];

export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256');

/** A file's name as its owner gave it (Chinese kept), without path or control characters. */
export const documentNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .refine((n) => !/[\\/\p{Cc}]/u.test(n), { message: 'a file name without path separators or control characters' });

/** How a record refers to one of its files. */
export const documentRefSchema = z.strictObject({
  id: idSchema,
  sha256: sha256Schema,
  name: documentNameSchema,
  size: z.number().int().min(1),
  type: z.enum(documentTypeNames),
});
export type DocumentRef = z.output<typeof documentRefSchema>;

/** At most this many files per record. */
export const MAX_DOCUMENTS_PER_RECORD = 20;
export const documentRefsSchema = z.array(documentRefSchema).max(MAX_DOCUMENTS_PER_RECORD);
