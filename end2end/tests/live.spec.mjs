import { test, expect, signIn } from './fixtures.mjs';

test('after the live connection drops, the screen catches up when it reconnects', async ({ page, errors, openUser }, info) => {
  // Every /ws connection of this page goes through here, so the test can cut it.
  let blocked = false;
  let current = null;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    if (blocked) {
      ws.close({ code: 1013, reason: 'test: server unreachable' });
      return;
    }
    ws.connectToServer();
    current = ws;
  });
  await signIn(page, 'director');
  await page.goto('/settings/locations');
  await page.waitForSelector('[data-testid=locations-table]');
  await expect(page.getByTestId('live-status')).toHaveClass(/on/);

  blocked = true;
  await current.close({ code: 1012, reason: 'test: restart' });
  await expect(page.getByTestId('live-status')).not.toHaveClass(/on/);

  // Meanwhile an admin adds a shop: the event is lost for the disconnected page.
  const name = `Магазин «Связь ${info.project.name} ${Date.now()}»`;
  const admin = await openUser();
  await signIn(admin, 'admin');
  const res = await admin.request.post('/api/org/locations/save', {
    data: { id: null, form: { name, kind: 'shop', city: 'Тверь', address: 'ул. Советская, 5', lat: '56.8587', lon: '35.9176' } },
  });
  expect(res.status()).toBe(200);
  await page.waitForTimeout(300);
  await expect(page.getByTestId('locations-table')).not.toContainText(name);

  // The connection comes back (backoff retry) and the page refetches what it shows.
  blocked = false;
  await expect(page.getByTestId('live-status')).toHaveClass(/on/, { timeout: 15_000 });
  await expect(page.getByTestId('locations-table')).toContainText(name);
});
