// Debian's Chromium, since Playwright cannot download browsers on our machines. Installs the packages
// named (default: both) whose /usr/bin/<package> is missing: as root with apt-get, else through sudo;
// says what to do otherwise. The e2e suite drives `chromium-headless-shell` (what Playwright itself runs
// headless); the console's benchmarks drive the full `chromium`.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const KNOWN = ['chromium', 'chromium-headless-shell'];
const wanted = process.argv.length > 2 ? process.argv.slice(2) : KNOWN;
const unknown = wanted.filter((p) => !KNOWN.includes(p));
if (unknown.length > 0) {
  console.error(`install-chromium: unknown package ${unknown.join(', ')}; expected ${KNOWN.join(' or ')}`);
  process.exit(2);
}
const missing = wanted.filter((p) => !existsSync(`/usr/bin/${p}`));
if (missing.length > 0) {
  const root = process.getuid?.() === 0;
  const sudo = root ? '' : 'sudo ';
  const list = missing.join(' ');
  console.log(`installing Debian's ${list} (${root ? 'as root' : 'with sudo'}; about 30 s)`);
  try {
    execSync(`${sudo}apt-get update -qq && ${sudo}apt-get install -y -qq ${list}`, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch {
    console.error(`could not install ${list}; install the Debian packages (${list}) and retry`);
    process.exit(1);
  }
}
