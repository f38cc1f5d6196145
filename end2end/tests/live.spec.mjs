import { test, expect, signIn, liveSwitch } from './fixtures.mjs';

test('after the live connection drops, the screen catches up when it reconnects', async ({ page, errors, openUser }, info) => {
  const live = await liveSwitch(page);
  await signIn(page, 'director');
  await page.goto('/settings/locations');
  await page.waitForSelector('[data-testid=locations-table]');
  await expect(page.getByTestId('live-status')).toHaveClass(/on/);

  await live.cut();
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
  live.restore();
  await expect(page.getByTestId('live-status')).toHaveClass(/on/, { timeout: 15_000 });
  await expect(page.getByTestId('locations-table')).toContainText(name);
});
