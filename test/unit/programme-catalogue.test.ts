/** The programme catalogue (client/programme-catalogue.ts): the shipped file is valid; a bad file is refused by name; what pilots carry is merged in. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogueFile, deploymentCatalogue, mergeCatalogue, readCatalogue } from '../../client/programme-catalogue';

const write = (content: unknown): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'onex-cat-')), 'catalogue.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
};
const college = { id: 'a', name: '甲学院', majors: [{ code: '1', name: '专业一' }], certificates: [] };

describe('the programme catalogue', () => {
  it('ships a valid demo catalogue, and ONEX_CATALOGUE_FILE names another', () => {
    const shipped = readCatalogue(defaultCatalogueFile);
    expect(shipped.colleges.length).toBeGreaterThan(0);
    for (const c of shipped.colleges) expect(c.name).toMatch(/[\u4e00-\u9fff]/);
    expect(deploymentCatalogue({ ONEX_CATALOGUE_FILE: write({ version: 1, colleges: [college] }) }).colleges.map((c) => c.id)).toEqual([
      'a',
    ]);
  });

  it('refuses unknown fields, duplicate ids and bad levels by name', () => {
    expect(() => readCatalogue(write({ version: 1, colleges: [{ ...college, extra: 1 }] }))).toThrow(/colleges\.0: .*extra/);
    expect(() => readCatalogue(write({ version: 1, colleges: [college, college] }))).toThrow(/colleges\.1: duplicate college id a/);
    expect(() =>
      readCatalogue(
        write({
          version: 1,
          colleges: [{ ...college, certificates: [{ code: 'x', name: '证', level: 'expert', evaluationOrg: '组织' }] }],
        }),
      ),
    ).toThrow(/colleges\.0\.certificates\.0\.level/);
    expect(() => readCatalogue(join(tmpdir(), 'no-such-catalogue.json'))).toThrow(/cannot be read/);
  });

  it('merges what pilots carry: a new college with its name, a new major and certificate', () => {
    const base = { version: 1 as const, colleges: [college] };
    const merged = mergeCatalogue(base, [
      {
        college: { id: 'a', name: '甲学院' },
        major: { name: '专业二' },
        certificate: { name: '证书', evaluationOrg: '组织', level: 'elementary' },
      },
      {
        college: { id: 'b', name: '乙学院' },
        major: { code: '1', name: '专业一' },
        certificate: { name: '证书', evaluationOrg: '组织', level: 'advanced' },
      },
    ]);
    expect(merged.colleges.find((c) => c.id === 'a')!.majors.map((m) => m.name)).toEqual(['专业一', '专业二']);
    expect(merged.colleges.find((c) => c.id === 'b')).toMatchObject({
      name: '乙学院',
      certificates: [{ name: '证书', level: 'advanced' }],
    });
    expect(base.colleges[0]!.majors).toHaveLength(1);
  });
});
