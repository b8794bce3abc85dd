// ESLint flat config: typescript-eslint's recommended rules plus what berth's style asks for
// (STYLE.md): no `any`, no non-null assertions, no console in library code. Type-aware rules are
// left out so a lint of the whole tree stays quick on a small machine.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'examples/*/dist/**', 'examples/*/node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The command line, its processes and the scripts in hack/ talk to people on their terminal.
    files: ['cli/**/*.ts', 'cmd/**/*.ts', 'hack/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The completion scripts are shell in template literals: `\$` keeps each `$` visibly shell's.
    files: ['cli/output/completion.ts'],
    rules: { 'no-useless-escape': 'off' },
  },
  {
    // Tests are not library code: they may print, and index into fixtures they just built (`!`).
    // The other findings in tests are reported as warnings until their owners fix them.
    files: ['test/**/*.ts', '**/*.test.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': 'warn',
      'no-loss-of-precision': 'warn',
      'no-regex-spaces': 'warn',
      'require-yield': 'warn',
    },
  },
);
