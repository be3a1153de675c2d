// Debian's Chromium as the browser tests and benchmarks launch it:
// never a downloaded browser (`npm test` passes CHROMIUM_PATH after checking the command exists),
// and without the background traffic that floods this machine's closed network.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
