import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/journal/schema.ts',
  out: './drizzle',
});
