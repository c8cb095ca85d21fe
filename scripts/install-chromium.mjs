// The e2e suite drives Debian's Chromium (Playwright cannot download browsers on our machines). Installs
// it when /usr/bin/chromium is missing: as root with apt-get, else through sudo; says what to do otherwise.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  const root = process.getuid?.() === 0;
  const sudo = root ? '' : 'sudo ';
  console.log(`e2e: installing Debian's chromium (${root ? 'as root' : 'with sudo'}; about 30 s)`);
  try {
    execSync(`${sudo}apt-get update -qq && ${sudo}apt-get install -y -qq chromium`, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch {
    console.error(
      `e2e: could not install chromium; install the Debian package "chromium" (${CHROMIUM}) and retry`,
    );
    process.exit(1);
  }
}
