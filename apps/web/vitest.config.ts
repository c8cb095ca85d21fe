import { defineConfig } from 'vitest/config';

// Next compiles the console itself (tsconfig keeps JSX as written); tests need the JSX transform and the
// `@/` paths from tsconfig to render components.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic' } },
  resolve: { tsconfigPaths: true },
});
