import type { NextConfig } from 'next';

// The console reaches the engine only through this same-origin rewrite of /trpc, so the session cookie
// and the SSE stream pass through unchanged. ORGANISM_ENGINE_URL is read here and nowhere else; rewrites are
// fixed by `next build`, so the URL is part of what decides whether the console must be rebuilt. `env`
// hands the same URL to the server code that calls the engine itself (the audit export's route handler).
const engine = process.env.ORGANISM_ENGINE_URL ?? 'http://127.0.0.1:7070';

const nextConfig: NextConfig = {
  // The demo and the e2e suite proxy to different engines, so each has its own build folder.
  distDir: process.env.ORGANISM_CONSOLE_DIST ?? '.next',
  reactStrictMode: true,
  poweredByHeader: false,
  allowedDevOrigins: ['127.0.0.1'],
  // `npm test` typechecks the console (pnpm -r typecheck); the demo's first build need not do it again.
  typescript: { ignoreBuildErrors: true },
  env: { ORGANISM_ENGINE_URL: engine },
  rewrites: () => Promise.resolve([{ source: '/trpc/:path*', destination: `${engine}/trpc/:path*` }]),
};

export default nextConfig;
