// Console timing for `cargo xtask bench` (not a test: the e2e runner only picks *.test.mjs).
// Starts Roster with the harness, provisions 120 users over SCIM, then measures, in headless
// Chromium and over 5 fresh page loads each, the time from navigation start to (1) the
// signed-in directories page showing its directory and (2) a directory's users table showing
// its first page of rows. It also counts what the first visit costs on the wire (every
// response's headers and body as the browser received them, compressed as Roster sent them),
// what a second visit costs once the hashed files are cached, and times the directories page on
// a throttled link (10 Mbit/s, 40 ms before each response). Prints one JSON line with every sample and the
// medians.
//
// Env: ROSTER_BIN, ROSTER_DIST, CHROMIUM, as for the e2e tests.

import { ADMIN, launchBrowser, startServer } from './harness.mjs';

const RUNS = 5;
const USERS = 120;
const TIMEOUT_MS = 20_000;
// A slow office or mobile link: 10 Mbit/s down and up, 40 ms from each request to its response.
const THROTTLE = { offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 10e6 / 8 };

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
  // counts from the navigation's time origin), polled every animation frame; and what the
  // page had received by then: the bytes of every response (headers and body as sent, the
  // Resource Timing API's transferSize, 0 for what the HTTP cache answered) and how many
  // went over the network.
  const visit = async (context, path, ready, arg, { throttle = false } = {}) => {
    const page = await context.newPage();
    if (throttle) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', THROTTLE);
    }
    await page.goto(path, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(ready, arg, { polling: 'raf', timeout: TIMEOUT_MS });
    const ms = await handle.jsonValue();
    const wire = await page.evaluate(() => {
      const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
      const sent = entries.filter((entry) => entry.transferSize > 0);
      return { bytes: sent.reduce((sum, entry) => sum + entry.transferSize, 0), requests: sent.length };
    });
    await page.close();
    return { ms, wire };
  };
  // A fresh browser context (an empty HTTP cache, as on a first visit), signed in by cookie.
  const signedIn = async () => {
    const context = await browser.newContext({ baseURL: server.url });
    const [name, ...value] = cookie.split('=');
    await context.addCookies([{ name, value: value.join('='), url: server.url }]);
    return context;
  };
  const timeTo = async (...args) => (await visit(...args)).ms;
  const directoriesShown = (name) => (document.body.innerText.includes(name) ? performance.now() : null);
  const directories = [];
  const users = [];
  let rows = 0;
  for (let run = 0; run < RUNS; run += 1) {
    const context = await signedIn();
    directories.push(await timeTo(context, '/directories', directoriesShown, 'Bench Okta'));
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

  // The first visit with an empty cache, then a second one in the same browser.
  const fresh = await signedIn();
  const first = (await visit(fresh, '/directories', directoriesShown, 'Bench Okta')).wire;
  const repeat = (await visit(fresh, '/directories', directoriesShown, 'Bench Okta')).wire;
  await fresh.close();
  const throttled = [];
  for (let run = 0; run < 3; run += 1) {
    const context = await signedIn();
    throttled.push(await timeTo(context, '/directories', directoriesShown, 'Bench Okta', { throttle: true }));
    await context.close();
  }
  console.log(JSON.stringify({
    runs: RUNS,
    directories_ms: directories,
    users_table_ms: users,
    users_table_rows: rows,
    median_directories_ms: median(directories),
    median_users_table_ms: median(users),
    first_visit_bytes: first.bytes,
    first_visit_requests: first.requests,
    repeat_visit_bytes: repeat.bytes,
    repeat_visit_requests: repeat.requests,
    throttled_directories_ms: throttled,
    median_throttled_directories_ms: median(throttled),
  }));
} finally {
  await browser.close();
  await server.stop();
}
