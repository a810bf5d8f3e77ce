// ESLint flat config. Type-aware rules (no-floating-promises) for all TypeScript,
// a determinism fence around workflows/ and domain/ (no Node built-ins, no I/O
// libraries, no activity code; type-only imports of those stay allowed) and a layer
// fence: no upward imports, and nothing outside test/ imports test/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

/** A pattern refusing relative imports of the named top-level folders (layers above the importer's). */
function upward(folders) {
  return {
    regex: `^(\\./|(\\.\\./)+)(${folders.join('|')})(/|$)`,
    message: `Nothing imports a layer above its own (${folders.join('/, ')}/): move what both need down to where every user may import it.`,
  };
}

/** Test code (test/) is for the tests alone: what a script also needs lives in scripts/support/. */
const notTest = {
  regex: '^(\\./|(\\.\\./)+)test(/|$)',
  message: 'Nothing outside test/ imports test/: move what both need to scripts/support/.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', 'data/**', 'test-results/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Layers (README, Architecture): domain → workflows → activities → worker → client →
  // scripts, and test/ on top. Nothing imports a layer above its own, and nothing outside
  // test/ imports test/. Type-only imports count too: a type import is still a dependency.
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'workflows/ and domain/ must stay deterministic: no Node built-ins.',
              allowTypeImports: true,
            })),
            { name: 'nodemailer', message: 'E-mail is an activity: no nodemailer in workflows/ or domain/.', allowTypeImports: true },
          ],
          patterns: [
            { group: ['node:*'], message: 'workflows/ and domain/ must stay deterministic: no Node built-ins.', allowTypeImports: true },
            {
              group: ['**/activities', '**/activities/**'],
              message: 'Workflows call activities through proxyActivities; import only their types.',
              allowTypeImports: true,
            },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
              message: 'Not usable inside workflow code.',
              allowTypeImports: true,
            },
            upward(['client', 'worker', 'scripts']),
            notTest,
          ],
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [upward(['client', 'worker', 'scripts']), notTest] }] },
  },
  {
    files: ['worker/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [upward(['client', 'scripts']), notTest] }] },
  },
  {
    files: ['client/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [upward(['scripts']), notTest] }] },
  },
  {
    files: ['**/*.ts'],
    ignores: ['test/**', 'workflows/**', 'domain/**', 'activities/**', 'worker/**', 'client/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [notTest] }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
