// ESLint flat config: typescript-eslint's recommended rules over the files scripts/lint.mjs passes (src, test, scripts),
// type-aware (the TypeScript program of tsconfig.json) where an unawaited promise would lose a write: src/objects and src/storage.
// STYLE.md's layering rules and file-size limit are checked by scripts/lint.mjs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.wrangler/', 'test-results/', 'bench/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        // Workers runtime and Node scripts; TypeScript already checks names in .ts files.
        console: 'readonly', process: 'readonly', URL: 'readonly', fetch: 'readonly', Response: 'readonly',
        Request: 'readonly', Headers: 'readonly', crypto: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', AbortSignal: 'readonly', URLSearchParams: 'readonly', btoa: 'readonly', atob: 'readonly',
      },
    },
    rules: {
      // `_name` marks a value deliberately unused (destructuring to drop secret fields, unused handler args).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
      eqeqeq: ['error', 'always'],
      // `catch {}` is how best-effort cleanup says "ignore"; other empty blocks are still errors.
      'no-empty': ['error', { allowEmptyCatch: true }],
      'no-console': ['error', { allow: ['log', 'error', 'warn'] }],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: {
      globals: { Buffer: 'readonly', performance: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' },
    },
  },
  {
    files: ['**/*.ts'],
    rules: { 'no-undef': 'off' },
  },
  {
    // A Durable Object or storage adapter that forgets an `await` reports success for a write that may never happen.
    files: ['src/objects/**/*.ts', 'src/storage/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
