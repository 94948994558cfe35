// Console timing for `cargo xtask bench` (not a test: the e2e runner only picks *.test.mjs).
// Starts Roster with the harness, provisions 120 users over SCIM, then measures, in headless
// Chromium and over 5 fresh page loads each, the time from navigation start to (1) the
// signed-in directories page showing its directory and (2) a directory's users table showing
// its first page of rows. Prints one JSON line with every sample and the medians.
//
// Env: ROSTER_BIN, ROSTER_DIST, CHROMIUM, as for the e2e tests.

import { ADMIN, launchBrowser, startServer } from './harness.mjs';

const RUNS = 5;
const USERS = 120;
const TIMEOUT_MS = 20_000;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await startServer();
const browser = await launchBrowser();
try {
  const json = (res) => (res.ok ? res.json() : Promise.reject(new Error(`${res.status} ${res.url}`)));
  const signIn = await fetch(`${server.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
  });
  const cookie = signIn.headers.get('set-cookie').split(';')[0];
  const { csrfToken } = await json(signIn);
  const created = await json(await fetch(`${server.url}/api/v1/directories`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'Bench Okta' }),
  }));
  const { baseUrl } = created.directory;
  for (let i = 0; i < USERS; i += 1) {
    await json(await fetch(`${baseUrl}/Users`, {
      method: 'POST',
      headers: { 'content-type': 'application/scim+json', authorization: `Bearer ${created.apiKey}` },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `console${String(i).padStart(3, '0')}@bench.example`,
        name: { givenName: `Given${i}`, familyName: `Family${i}` },
        emails: [{ value: `console${i}@bench.example`, type: 'work', primary: true }],
        active: true,
      }),
    }));
  }

  // Time from navigation start until `ready()` holds in the page, in ms (performance.now()
  // counts from the navigation's time origin), polled every animation frame.
  const timeTo = async (context, path, ready, arg) => {
    const page = await context.newPage();
    await page.goto(path, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(ready, arg, { polling: 'raf', timeout: TIMEOUT_MS });
    const ms = await handle.jsonValue();
    await page.close();
    return ms;
  };
  const directories = [];
  const users = [];
  let rows = 0;
  for (let run = 0; run < RUNS; run += 1) {
    // A fresh context each run: an empty HTTP cache, as on a first visit; signed in by cookie.
    const context = await browser.newContext({ baseURL: server.url });
    await context.addCookies([{ name: cookie.split('=')[0], value: cookie.split('=').slice(1).join('='), url: server.url }]);
    directories.push(await timeTo(context, '/directories',
      (name) => (document.body.innerText.includes(name) ? performance.now() : null), 'Bench Okta'));
    const usersPath = `/directories/${created.directory.id}/users`;
    users.push(await timeTo(context, usersPath,
      () => {
        const n = document.querySelectorAll('table tbody tr').length;
        return n >= 50 ? performance.now() : null;
      }));
    if (run === 0) {
      const page = await context.newPage();
      await page.goto(usersPath);
      await page.waitForSelector('table tbody tr');
      rows = await page.locator('table tbody tr').count();
      await page.close();
    }
    await context.close();
  }
  console.log(JSON.stringify({
    runs: RUNS,
    directories_ms: directories,
    users_table_ms: users,
    users_table_rows: rows,
    median_directories_ms: median(directories),
    median_users_table_ms: median(users),
  }));
} finally {
  await browser.close();
  await server.stop();
}
