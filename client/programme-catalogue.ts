/**
 * The programme's catalogue the page chooses from: the colleges (id and Chinese name), their
 * majors (code and name) and the certificates they may pilot (code, name, level, evaluation
 * organisation). The deployment ships it as a JSON file (`deploy/catalogue.json` is the demo
 * default; `ONEX_CATALOGUE_FILE` names another), read once and checked by a strict schema: a
 * misspelt field or a duplicate id is refused by name at start-up, not shown to a person.
 * What running pilots carry is merged in (a college, major or certificate started before the
 * catalogue listed it is still chosen by name, never typed as an id).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { certificateLevels, idSchema } from '../domain/pilot';

const text = (max: number) => z.string().trim().min(1).max(max);

export const catalogueMajorSchema = z.strictObject({ code: text(32), name: text(100) });
export const catalogueCertificateSchema = z.strictObject({
  code: text(64),
  name: text(200),
  level: z.enum(certificateLevels),
  evaluationOrg: text(200),
});
export const catalogueCollegeSchema = z.strictObject({
  id: idSchema,
  name: text(100),
  majors: z.array(catalogueMajorSchema).max(200),
  certificates: z.array(catalogueCertificateSchema).max(500),
});

function unique<T>(items: T[], key: (t: T) => string, what: string, ctx: z.RefinementCtx, path: (string | number)[]): void {
  const seen = new Set<string>();
  items.forEach((t, i) => {
    const k = key(t);
    if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [...path, i], message: `duplicate ${what} ${k}` });
    seen.add(k);
  });
}

export const catalogueSchema = z
  .strictObject({ version: z.literal(1), colleges: z.array(catalogueCollegeSchema).max(200) })
  .superRefine((c, ctx) => {
    unique(c.colleges, (x) => x.id, 'college id', ctx, ['colleges']);
    c.colleges.forEach((college, i) => {
      unique(college.majors, (m) => m.code.toUpperCase(), 'major code', ctx, ['colleges', i, 'majors']);
      unique(college.certificates, (x) => `${x.code}/${x.level}`, 'certificate code and level', ctx, ['colleges', i, 'certificates']);
    });
  });
export type Catalogue = z.output<typeof catalogueSchema>;
export type CatalogueCollege = z.output<typeof catalogueCollegeSchema>;

export const defaultCatalogueFile = fileURLToPath(new URL('../deploy/catalogue.json', import.meta.url));

/** Reads and checks a catalogue file; the error names the file and each bad field. */
export function readCatalogue(file: string): Catalogue {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`catalogue ${file} cannot be read / 目录文件无法读取: ${(err as Error).message}`, { cause: err });
  }
  const parsed = catalogueSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`catalogue ${file} is invalid / 目录文件无效:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

let cached: { file: string; catalogue: Catalogue } | undefined;
/** The deployment's catalogue (`ONEX_CATALOGUE_FILE`, else the shipped demo file), read once. */
export function deploymentCatalogue(env: NodeJS.ProcessEnv = process.env): Catalogue {
  const file = env.ONEX_CATALOGUE_FILE?.trim() || defaultCatalogueFile;
  if (cached?.file !== file) cached = { file, catalogue: readCatalogue(file) };
  return cached.catalogue;
}

/** What a pilot or an approved application carries of the catalogue. */
export interface CarriedEntry {
  college: { id: string; name: string };
  major: { code?: string | undefined; name: string };
  certificate: { name: string; evaluationOrg: string; level: (typeof certificateLevels)[number] };
}

/**
 * The catalogue with what pilots carry merged in: an unknown college is added with its name,
 * an unknown major (by code, else name) or certificate (by name, organisation and level) is
 * added to its college. A carried major without a code is keyed by its name.
 */
export function mergeCatalogue(base: Catalogue, carried: readonly CarriedEntry[]): Catalogue {
  const colleges = base.colleges.map((c) => ({ ...c, majors: [...c.majors], certificates: [...c.certificates] }));
  for (const e of carried) {
    let college = colleges.find((c) => c.id === e.college.id);
    if (!college) colleges.push((college = { id: e.college.id, name: e.college.name, majors: [], certificates: [] }));
    const code = e.major.code?.trim() || e.major.name.trim();
    if (!college.majors.some((m) => m.code.toUpperCase() === code.toUpperCase() || m.name === e.major.name.trim()))
      college.majors.push({ code, name: e.major.name.trim() });
    const cert = e.certificate;
    if (!college.certificates.some((x) => x.name === cert.name && x.evaluationOrg === cert.evaluationOrg && x.level === cert.level))
      college.certificates.push({ code: cert.name, name: cert.name, level: cert.level, evaluationOrg: cert.evaluationOrg });
  }
  return { version: 1, colleges };
}

/** A college's name from the catalogue, if it lists the college. */
export function collegeName(catalogue: Catalogue, id: string | undefined): string | undefined {
  return id === undefined ? undefined : catalogue.colleges.find((c) => c.id === id)?.name;
}
