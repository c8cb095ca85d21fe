/**
 * Runs once as the console's server starts: an `ORGANISM_ENGINE_URL` it cannot use stops it at once, with
 * what was wrong, rather than leaving every page to fail.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { engineUrls } = await import('./lib/server/engine-url');
  try {
    engineUrls();
  } catch (err) {
    console.error(`organism console: ${(err as Error).message}`);
    process.exit(1);
  }
}
