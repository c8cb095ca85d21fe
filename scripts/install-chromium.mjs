// Debian's Chromium, since Playwright cannot download browsers on our machines: the e2e suite drives its
// headless shell (/usr/bin/chromium-headless-shell, what Playwright itself runs headless), and the console's
// benchmarks the full browser (/usr/bin/chromium). Installs whichever is missing: as root with apt-get, else
// through sudo; says what to do otherwise.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PACKAGES = ['chromium', 'chromium-headless-shell'];
const missing = PACKAGES.filter((p) => !existsSync(`/usr/bin/${p}`));
if (missing.length > 0) {
  const root = process.getuid?.() === 0;
  const sudo = root ? '' : 'sudo ';
  const list = missing.join(' ');
  console.log(`e2e: installing Debian's ${list} (${root ? 'as root' : 'with sudo'}; about 30 s)`);
  try {
    execSync(`${sudo}apt-get update -qq && ${sudo}apt-get install -y -qq ${list}`, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch {
    console.error(`e2e: could not install ${list}; install the Debian packages (${list}) and retry`);
    process.exit(1);
  }
}
