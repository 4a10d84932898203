// Makes sure the e2e tests have a Chromium; installs Debian's when we are root and none is found.
import { execSync } from 'node:child_process';
import { findChromium } from './chromium.mjs';

let path = findChromium();
if (!path && process.getuid?.() === 0) {
  console.log('No Chromium found: installing Debian chromium with apt-get …');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', {
    stdio: 'inherit'
  });
  path = findChromium();
}
if (!path) {
  console.error(
    'No Chromium for the e2e tests. Set CHROMIUM_PATH to a Chromium binary, or install one ' +
      '(Debian/Ubuntu: sudo apt-get install chromium), then run the tests again.'
  );
  process.exit(1);
}
console.log(`e2e browser: ${path}`);
