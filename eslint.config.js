// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders under src/ and the sibling folders each may NOT import (dependencies point inward). */
const forbidden = {
  core: ['config', 'audio', 'runtime', 'transports', 'engines', 'analysis', 'store', 'http', 'jobs', 'testing'],
  config: ['audio', 'runtime', 'transports', 'engines', 'analysis', 'store', 'http', 'jobs', 'testing'],
  audio: ['config', 'runtime', 'transports', 'engines', 'analysis', 'store', 'http', 'jobs', 'testing'],
  analysis: ['config', 'transports', 'engines', 'store', 'http', 'jobs', 'testing'],
  runtime: ['config', 'transports', 'engines', 'analysis', 'store', 'http', 'jobs', 'testing'],
  transports: ['config', 'engines', 'store', 'http', 'jobs', 'testing'],
  engines: ['config', 'transports', 'store', 'http', 'jobs', 'testing'],
  store: ['config', 'audio', 'runtime', 'transports', 'engines', 'analysis', 'http', 'jobs', 'testing'],
  services: ['config', 'transports', 'engines', 'http', 'jobs', 'testing'],
  jobs: ['transports', 'engines', 'http', 'testing'],
  http: ['engines', 'testing'],
};

const boundaryBlocks = Object.entries(forbidden).map(([folder, banned]) => ({
  files: [`src/${folder}/**/*.ts`],
  ignores: ['src/**/*.test.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^\\.\\.?/(\\.\\./)*(${banned.join('|')})/`,
            message: `src/${folder}/ must not import these folders (see README "Architecture").`,
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', 'drizzle/', 'src/store/migrations/', '.ci/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'no-console': 'error',
    },
  },
  ...boundaryBlocks,
  {
    files: ['src/*.ts'],
    ignores: ['src/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)testing/', message: 'Product code never imports test fakes.' }] },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'src/testing/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  { files: ['*.js', '**/*.mjs', '*.config.ts'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.mjs'], languageOptions: { globals: { console: 'readonly', process: 'readonly' } }, rules: { 'no-console': 'off' } },
);
