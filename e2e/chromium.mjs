// The frame the newer scripts here share: Debian's headless Chromium (or
// $CHROMIUM), the script's body, its answer as one JSON line on stdout; on
// failure the error and where the page was on stderr, and exit code 1. The
// browser is closed either way.
import { chromium } from 'playwright-core';

// Runs `body(browser, watch)`: `watch(page)` names the page a failure is
// reported from, and returns it. `args` are extra Chromium flags.
export async function run(body, { args = [] } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', ...args],
  });
  let watched = null;
  try {
    const answer = await body(browser, (page) => { watched = page; return page; });
    console.log(JSON.stringify(answer));
  } catch (e) {
    const where = watched ? `${watched.url()}\n${(await watched.content().catch(() => '')).slice(0, 2000)}` : '';
    console.error(String(e), where);
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}
