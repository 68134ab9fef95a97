// Forward-auth in real headless Chromium, through a real proxy: an anonymous
// visit to an application is sent to Gatehouse's sign-in page, signing in
// brings the browser back to the page it asked for, where the application
// sees who signed in; a page a rule keeps for another role is refused; a page
// whose rule wants a second factor sends a password-only session to add one
// at Gatehouse; after signing out at Gatehouse the application sends the
// browser to sign in again. Driven by crates/gatehouse/tests/api/proxies.rs:
//   node forward_auth.mjs <page_url> <refused_url> <two_factor_url> <issuer> <login> <password>
import { run } from './chromium.mjs';

const [pageUrl, refusedUrl, twoFactorUrl, issuer, login, password] = process.argv.slice(2);
// The test's hosts (*.gatehouse.localhost) are this machine.
const args = ['--host-resolver-rules=MAP *.gatehouse.localhost 127.0.0.1'];
await run(async (browser, watch) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = watch(await context.newPage());

  await page.goto(pageUrl);
  await page.waitForSelector('form[action="/login"]');
  const loginUrl = page.url();
  await page.fill('#login', login);
  await page.fill('#password', password);
  await Promise.all([
    page.waitForURL((url) => url.href === pageUrl, { timeout: 10000 }),
    page.click('button[type=submit]'),
  ]);
  const seen = JSON.parse(await page.locator('body').innerText());
  const cookie = (await context.cookies(pageUrl)).find((c) => c.name === '__Secure-gatehouse');

  const refused = await page.goto(refusedUrl);
  const refusedStatus = refused ? refused.status() : null;

  await page.goto(twoFactorUrl);
  await page.waitForURL((url) => url.origin === new URL(issuer).origin, { timeout: 10000 });
  await page.waitForSelector('form[action="/logout"] button');
  const twoFactorLanding = page.url();

  await page.goto(new URL('/account', issuer).href);
  await page.waitForSelector('form[action="/logout"] button');
  await Promise.all([page.waitForURL((url) => url.pathname === '/login'), page.click('form[action="/logout"] button')]);
  await page.goto(pageUrl);
  await page.waitForSelector('form[action="/login"]');

  return {
    loginUrl,
    seen,
    cookie: cookie ? { domain: cookie.domain, secure: cookie.secure, httpOnly: cookie.httpOnly } : null,
    refusedStatus,
    twoFactorLanding,
    afterSignOut: page.url(),
  };
}, { args });
