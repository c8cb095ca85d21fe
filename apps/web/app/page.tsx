/** Placeholder home page until the console pages are built on the engine's tRPC API. */
export default function HomePage() {
  return (
    <main>
      <h1>Organism console</h1>
      <p>
        The console pages are not built yet. The engine and its API are: run <code>npm run demo</code> from
        the repository root, then use <code>http://127.0.0.1:7070</code> (<code>POST /messages</code>,{' '}
        <code>/healthz</code>, <code>/metrics</code>, tRPC at <code>/trpc</code>), as described in{' '}
        <code>docs/api.md</code> and <code>docs/operations.md</code>.
      </p>
    </main>
  );
}
