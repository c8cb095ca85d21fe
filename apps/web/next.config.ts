import type { NextConfig } from 'next';

// The console reaches the engine through its own /trpc route (src/app/trpc), which reads ORGANISM_ENGINE_URL
// as the server runs: nothing here names the engine, so one build serves any engine.
const nextConfig: NextConfig = {
  // The demo, the e2e suite and the benches each build into a folder of their own, so one's rebuild never
  // pulls the files from under another's running server.
  distDir: process.env.ORGANISM_CONSOLE_DIST ?? '.next',
  reactStrictMode: true,
  poweredByHeader: false,
  allowedDevOrigins: ['127.0.0.1'],
  // `npm test` typechecks the console (pnpm -r typecheck); the demo's first build need not do it again.
  typescript: { ignoreBuildErrors: true },
  // The overview is the console's home, `/`; its name as an address leads there too (with its query).
  redirects: () => Promise.resolve([{ source: '/overview', destination: '/', permanent: false }]),
};

export default nextConfig;
