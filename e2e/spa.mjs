// A first-party single-page app on Gatehouse's origin signs in through the
// JSON API with `session: cookie`, then calls /api/auth/* with the HttpOnly
// session cookie alone — no token anywhere a script could read it. The page
// is served by this script (a route on the issuer's origin). Driven by
// crates/gatehouse/tests/api/spa_cookie.rs:
//   node spa.mjs <issuer> <login> <password>
import { run } from './chromium.mjs';

const [issuer, login, password] = process.argv.slice(2);
await run(async (browser, watch) => {
  const context = await browser.newContext();
  const page = watch(await context.newPage());
  const spa = new URL('/spa/', issuer).href;
  await page.route(spa, (route) => route.fulfill({
    status: 200, contentType: 'text/html', body: '<!doctype html><title>SPA</title><main>the app</main>',
  }));
  await page.goto(spa);

  const csrf = { 'x-gatehouse-csrf': '1' };
  const signIn = await page.evaluate(async ({ login, password, csrf }) => {
    const r = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...csrf },
      body: JSON.stringify({ username: login, password, session: 'cookie' }),
    });
    return { status: r.status, body: await r.json() };
  }, { login, password, csrf });
  const session = (await context.cookies(issuer)).find((c) => c.name === '__Host-gatehouse');

  const calls = await page.evaluate(async ({ csrf }) => {
    const me = await fetch('/api/auth/me', { headers: csrf });
    const meBody = await me.json();
    const withoutHeader = (await fetch('/api/auth/me')).status;
    const scriptSees = document.cookie;
    const logout = (await fetch('/api/auth/logout', { method: 'POST', headers: csrf })).status;
    const afterLogout = (await fetch('/api/auth/me', { headers: csrf })).status;
    return { me: me.status, user: meBody.user && meBody.user.username, withoutHeader, scriptSees, logout, afterLogout };
  }, { csrf });
  const left = (await context.cookies(issuer)).find((c) => c.name === '__Host-gatehouse');

  return {
    signIn,
    cookie: session ? { httpOnly: session.httpOnly, secure: session.secure, sameSite: session.sameSite } : null,
    ...calls,
    cookieAfterLogout: Boolean(left),
  };
});
