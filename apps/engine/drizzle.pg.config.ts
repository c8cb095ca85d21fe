import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/journal/postgres/schema.ts',
  out: './drizzle-pg',
});
