import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
  { ignores: ['build/', '.svelte-kit/', 'node_modules/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...ts.configs.recommendedTypeChecked,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig,
        tsconfigRootDir: import.meta.dirname
      }
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  // The layers (docs/ARCHITECTURE.md): ui -> client -> worker -> engine, one direction only.
  {
    files: ['src/lib/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '$lib/*',
                '$app/*',
                'svelte',
                'svelte/*',
                '**/client/**',
                '**/components/**',
                '**/routes/**',
                '**/worker/**'
              ],
              message: 'The engine is plain TypeScript: it imports nothing outside src/lib/engine.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['src/lib/client/**', 'src/lib/components/**', 'src/routes/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['$lib/engine/*', '!$lib/engine/types', '**/engine/*', '!**/engine/types'],
              message:
                'The UI and the client reach the engine through the worker: import only $lib/engine/types.'
            }
          ],
          paths: [
            { name: 'sql.js', message: 'sql.js lives in the engine, in the worker.' },
            { name: 'papaparse', message: 'Parsing lives in the engine, in the worker.' }
          ]
        }
      ]
    }
  },
  {
    files: ['src/lib/components/**', 'src/routes/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['$lib/engine/*', '!$lib/engine/types', '$lib/worker/*', '**/worker/**'],
              message: 'Screens talk only to $lib/client (and import types from $lib/engine/types).'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...ts.configs.disableTypeChecked
  }
);
