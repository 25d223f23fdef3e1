import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Only packages/config, a service main.ts and a CLI entry read the environment.',
        },
      ],
    },
  },
  {
    files: [
      '**/src/main.ts',
      // A CLI in a service's image (`plan-cli.ts`) is an entry point like main.ts.
      'services/*/src/*-cli.ts',
      'packages/config/src/**',
      // Test support spawns brokers of its own, which need the environment plus their settings.
      'packages/testing/src/**',
      'tools/**',
      '**/test/**',
      '*.config.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['eslint.config.js', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The set-up script runs before anything is installed: plain Node.js, no TypeScript.
    files: ['tools/setup/*.mjs'],
    languageOptions: { globals: { process: 'readonly' } },
  },
  prettier,
);
