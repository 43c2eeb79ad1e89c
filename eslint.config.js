// ESLint: the recommended JavaScript rules and typescript-eslint's type-checked rules; formatting is
// Prettier's (eslint-config-prettier, last, switches off the rules that would disagree with it).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    'dist/',
    'packages/*/dist/',
    'storage/',
    'userdata/',
    'coverage/',
    'scratch/',
    '.stryker-tmp/',
    'node_modules/',
    'bench/.build/',
    'bench/profiles/',
    'reports/',
    'deploy/cdk.out/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `const { secret: _unused, ...rest } = value` is how this code base omits a property.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // Socket handlers and DOM listeners are async functions that catch their own failures;
      // returning their promise where void is expected is fine. Floating promises stay an error.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, returns: false } }],
    },
  },
  {
    files: ['tests/**/*.ts', 'deploy/test/**/*.ts'],
    rules: {
      // vitest's asymmetric matchers (`expect.stringMatching(…)`, `expect.any(String)`) are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      // waitUntil() and axios adapters take promise-returning callbacks; `async () => condition` is the idiom.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Plain JavaScript, and the SDK package's build file, are outside tsconfig.json: lint them without type information.
    files: ['**/*.js', 'packages/client/tsup.config.ts'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  prettier,
);
