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

// A full-page screenshot of `page` to `path`. Chromium's capture now and
// then fails with "Unable to capture screenshot" (no frame ready to be
// captured, e.g. right after the layout changed); after the next animation
// frame it succeeds. Other errors, or a third failure, are thrown.
export async function capture(page, path) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await page.screenshot({ path, fullPage: true });
    } catch (e) {
      if (attempt >= 3 || !/Unable to capture screenshot/.test(String(e))) throw e;
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done())));
    }
  }
}
