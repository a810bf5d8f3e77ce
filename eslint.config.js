// ESLint flat config. Type-aware rules (no-floating-promises) for all TypeScript,
// and a determinism fence around workflows/ and domain/: no Node built-ins, no
// I/O libraries and no activity code (type-only imports stay allowed).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises',
  'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers',
  'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', 'data/**', 'test-results/**'] },
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
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [
          ...nodeBuiltins.map((name) => ({ name, message: 'workflows/ and domain/ must stay deterministic: no Node built-ins.', allowTypeImports: true })),
          { name: 'nodemailer', message: 'E-mail is an activity: no nodemailer in workflows/ or domain/.', allowTypeImports: true },
        ],
        patterns: [
          { group: ['node:*'], message: 'workflows/ and domain/ must stay deterministic: no Node built-ins.', allowTypeImports: true },
          { group: ['**/activities', '**/activities/**'], message: 'Workflows call activities through proxyActivities; import only their types.', allowTypeImports: true },
          { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Not usable inside workflow code.', allowTypeImports: true },
        ],
      }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
