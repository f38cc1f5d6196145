// The shop tablet's numbers, rerunnable by anyone against a running Vitrina (a release
// build: `bash .ci/demo`):
//   node perf/perf.mjs [base-url]        (default http://127.0.0.1:3000; login seller1/demo)
// Prints the bundle's size raw, gzip and brotli as the server sends them (the first screen's
// files, and the chunks of the pages loaded on demand), and how long
// `/stock` takes to paint and to become interactive (`<body data-ready>`, set when the
// WASM has hydrated the page) on the tablet profile — Chromium with 150 ms latency,
// 1.5 Mbit/s down, 750 kbit/s up, CPU 4× slower — and unthrottled, each with an empty
// cache (cold) and then again in the same browser (warm). `--json` prints JSON.
import { chromium } from '@playwright/test';
import http from 'node:http';

const args = process.argv.slice(2);
const json = args.includes('--json');
const base = args.find((a) => !a.startsWith('--')) || 'http://127.0.0.1:3000';
const login = process.env.VITRINA_PERF_LOGIN || 'seller1';
const password = process.env.VITRINA_PERF_PASSWORD || 'demo';

const TABLET = { latency: 150, download: (1.5e6 / 8), upload: (750e3 / 8), cpu: 4 };

/** Bytes on the wire for a path with one Accept-Encoding (no decoding). */
function wireSize(path, encoding) {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(path, base), { headers: { 'accept-encoding': encoding } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => { bytes += chunk.length; });
      res.on('end', () => resolve({ bytes, sent: res.headers['content-encoding'] || 'identity', status: res.statusCode }));
    });
    req.on('error', reject);
  });
}

/** The files a cold `/stock` needs (the first screen) and the lazy pages' chunks (the rest). */
async function bundle() {
  const first = ['/pkg/vitrina_bg.wasm', '/pkg/vitrina.js', '/pkg/vitrina.css'];
  const rest = [];
  const manifest = await fetch(new URL('/pkg/__wasm_split_manifest.json', base)).catch(() => null);
  if (manifest && manifest.ok) {
    first.push('/pkg/__wasm_split.______________________.js');
    const chunks = new Set(Object.values(await manifest.json()).flat());
    for (const c of [...chunks].sort()) rest.push(`/pkg/${c}.wasm`);
  }
  const sizes = async (list) => {
    const out = {};
    for (const file of list) {
      out[file] = {
        raw: await wireSize(file, 'identity'),
        gzip: await wireSize(file, 'gzip'),
        brotli: await wireSize(file, 'br'),
      };
    }
    return out;
  };
  return { first: await sizes(first), rest: await sizes(rest) };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** A signed-in session's cookies (signed in unthrottled, not measured). */
async function session() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(new URL('/login', base).href);
  await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL((url) => url.pathname === '/', { timeout: 60_000 });
  const state = await context.storageState();
  await context.close();
  return state;
}

/** Opens `/stock` twice in one fresh context: cold (empty cache), then warm. */
async function visits(state, profile) {
  const context = await browser.newContext({ storageState: state, viewport: { width: 768, height: 1024 }, hasTouch: true });
  // When the page became interactive, by the page's own clock.
  await context.addInitScript(() => {
    const mark = () => {
      if (document.body && document.body.hasAttribute('data-ready') && !window.__vitrinaReady) {
        window.__vitrinaReady = performance.now();
      }
    };
    new MutationObserver(mark).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  if (profile) {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: profile.latency, downloadThroughput: profile.download, uploadThroughput: profile.upload,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
  }
  const out = [];
  for (const visit of ['cold', 'warm']) {
    await page.goto(new URL('/stock', base).href, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__vitrinaReady, null, { timeout: 120_000, polling: 100 });
    const t = await page.evaluate(() => ({
      paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      interactive: window.__vitrinaReady,
      transferred: performance.getEntriesByType('resource').reduce((s, r) => s + (r.transferSize || 0), 0)
        + (performance.getEntriesByType('navigation')[0]?.transferSize || 0),
    }));
    out.push({ visit, ...t });
  }
  await context.close();
  return out;
}

const sizes = await bundle();
const state = await session();
const runs = { tablet: await visits(state, TABLET), unthrottled: await visits(state, null) };
await browser.close();

if (json) {
  console.log(JSON.stringify({ base, sizes, runs }, null, 2));
} else {
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(12);
  console.log(`Vitrina at ${base}`);
  const total = (group) => Object.values(group).reduce((t, s) => ({
    raw: t.raw + s.raw.bytes, gzip: t.gzip + s.gzip.bytes, brotli: t.brotli + s.brotli.bytes,
  }), { raw: 0, gzip: 0, brotli: 0 });
  console.log('file                                          raw         gzip       brotli   (as sent)');
  for (const [name, group] of Object.entries(sizes)) {
    for (const [file, s] of Object.entries(group)) {
      console.log(`${file.padEnd(40)} ${kb(s.raw.bytes)} ${kb(s.gzip.bytes)} ${kb(s.brotli.bytes)}   ${s.gzip.sent}/${s.brotli.sent}`);
    }
    const t = total(group);
    const label = name === 'first' ? 'first screen, in all' : `the rest (${Object.keys(group).length} chunks)`;
    console.log(`${label.padEnd(40)} ${kb(t.raw)} ${kb(t.gzip)} ${kb(t.brotli)}`);
  }
  const ms = (v) => (v == null ? '—' : `${(v / 1000).toFixed(2)} s`).padStart(9);
  console.log('/stock                  paint  interactive   transferred');
  for (const [name, list] of Object.entries(runs)) {
    for (const r of list) {
      console.log(`${`${name}, ${r.visit}`.padEnd(20)} ${ms(r.paint)} ${ms(r.interactive)} ${kb(r.transferred)}`);
    }
  }
}
