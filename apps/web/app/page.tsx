/** Placeholder home page until the console is built on top of the engine's server. */
export default function HomePage() {
  return (
    <main>
      <h1>Organism console</h1>
      <p>
        The console arrives together with the engine&apos;s server. Until then, run the engine from the
        repository root with <code>npm run demo</code>: it starts the demo organism and feeds it its sample
        traffic.
      </p>
    </main>
  );
}
