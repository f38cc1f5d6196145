import { test, expect, signIn, openNav, tverskayaOrder } from './fixtures.mjs';

/** "1 234,56" or "−200,00" → kopecks. */
function kopecks(text) {
  const clean = text.replace(/\u2212/g, '-').replace(/[^\d,-]/g, '');
  return Number(clean.replace(',', ''));
}

test('a director builds a report by clicking, sees the chart, saves, reopens and exports it', async ({ page, errors }, info) => {
  const tag = `${info.project.name}${Date.now() % 1000000}`;
  await signIn(page, 'director');
  await openNav(page);
  await page.getByRole('link', { name: 'Reports' }).click();
  await page.waitForURL(/\/reports$/);
  await page.getByTestId('tab-constructor').click();
  const c = page.getByTestId('constructor');
  await c.getByTestId('c-block').selectOption('payments');
  await c.getByTestId('c-group-field').selectOption('fund.name');
  await c.getByTestId('c-add-group').click();
  await expect(c.getByTestId('c-group')).toHaveText(/Fund/);
  await c.getByTestId('c-measure-func').selectOption('sum');
  await c.getByTestId('c-measure-field').selectOption('amount');
  await c.getByTestId('c-add-measure').click();
  await c.getByTestId('c-measure-func').selectOption('count');
  await c.getByTestId('c-add-measure').click();
  await expect(c.getByTestId('c-measure')).toHaveCount(2);
  await c.getByTestId('c-filter-field').selectOption('direction');
  await c.getByTestId('c-filter-op').selectOption('eq');
  await c.getByTestId('c-filter-value').fill('in');
  await c.getByTestId('c-add-filter').click();
  await c.getByTestId('c-chart').selectOption('pie');
  await c.getByTestId('c-run').click();
  const table = c.getByTestId('report-table');
  await expect(table).toBeVisible({ timeout: 15_000 });
  await expect(table.getByTestId('report-row').first()).toBeVisible();
  await expect(table.locator('th')).toHaveText(['Fund', 'Sum: Amount', 'Count']);
  await expect(c.getByTestId('report-chart')).toHaveAttribute('data-kind', 'pie');
  await expect(c.getByTestId('chart-slice').first()).toBeVisible();
  // The same as a bar chart.
  await c.getByTestId('c-chart').selectOption('bar');
  await c.getByTestId('c-run').click();
  await expect(c.getByTestId('chart-bar').first()).toBeVisible({ timeout: 15_000 });
  const totals = await table.getByTestId('report-totals').locator('td').nth(1).textContent();

  await c.getByTestId('c-name').fill(`Поступления по статьям ${tag}`);
  await c.getByTestId('c-role-manager').check();
  await c.getByTestId('c-save').click();
  await expect(c.getByTestId('c-saved')).toBeVisible();

  // Reopen from the saved list: the result, then the definition in the constructor.
  await page.getByTestId('tab-saved').click();
  const saved = page.getByTestId('saved-report').filter({ hasText: tag });
  await expect(saved).toHaveCount(1);
  await saved.getByTestId('saved-report-open').click();
  const opened = page.getByTestId('pinned-report');
  await expect(opened.getByTestId('report-totals').locator('td').nth(1)).toHaveText(totals);
  await saved.getByTestId('saved-report-edit').click();
  await expect(page.getByTestId('c-name')).toHaveValue(`Поступления по статьям ${tag}`);
  await expect(page.getByTestId('c-group')).toHaveText(/Fund/);
  await expect(page.getByTestId('c-filter')).toContainText('in');

  // Export: CSV and XLSX of the saved report.
  const csvHref = await page.getByTestId('c-csv').getAttribute('href');
  const csv = await page.request.get(csvHref);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  const text = await csv.text();
  expect(text.split('\r\n')[0]).toContain('Sum: Amount');
  const xlsx = await page.request.get(await page.getByTestId('c-xlsx').getAttribute('href'));
  expect(xlsx.status()).toBe(200);
  expect((await xlsx.body()).subarray(0, 2).toString()).toBe('PK');

  // Pinned to the dashboard: the home page shows it.
  await page.getByTestId('tab-saved').click();
  await page.getByTestId('saved-report').filter({ hasText: tag }).getByTestId('saved-report-pin').click();
  await page.goto('/');
  const dash = page.getByTestId('dashboard');
  await expect(dash.getByTestId('pinned-report').filter({ hasText: tag })).toBeVisible();
  await expect(dash.getByTestId('pinned-report').filter({ hasText: tag }).getByTestId('report-chart')).toBeVisible();
  // Unpin again: the dashboard belongs to this director only, but keep it tidy.
  await page.goto('/reports');
  await page.getByTestId('tab-saved').click();
  await page.getByTestId('saved-report').filter({ hasText: tag }).getByTestId('saved-report-pin').click();
  await expect(page.getByTestId('saved-report').filter({ hasText: tag }).getByTestId('saved-report-pin')).toHaveText('Pin to dashboard');
  // And delete it.
  await page.getByTestId('saved-report').filter({ hasText: tag }).getByTestId('saved-report-delete').click();
  await expect(page.getByTestId('saved-report').filter({ hasText: tag })).toHaveCount(0);
});

test('a figure in a standard report changes live when a payment is recorded in another browser', async ({ page, errors, openUser, request }, info) => {
  const tag = `${info.project.name}${Date.now() % 1000000}`;
  const { order } = await tverskayaOrder(request, { sku: `E2E-REP-${tag}`, name: `Ламинат ${tag}`, price: '3000', qty: '1' });

  // The director watches payments by fund for this month.
  await signIn(page, 'director');
  await page.goto('/reports');
  await page.getByTestId('std-payments_by_fund').click();
  const inTotal = page.getByTestId('report-totals').locator('td').nth(2);
  await expect(inTotal).toBeVisible();
  const before = kopecks(await inTotal.textContent());
  await page.getByTestId('std-sales').click();
  await page.getByTestId('std-by').selectOption('shop');
  await expect(page.getByTestId('report-table').locator('th').first()).toHaveText('Shop');
  await page.getByTestId('std-payments_by_fund').click();
  await expect(inTotal).toHaveText(/\d/);

  // The seller records 1 234.56 on the order card in their own browser.
  const other = await openUser();
  await signIn(other, 'seller1');
  await other.goto(`/orders/${order.id}`);
  const form = other.getByTestId('payment-form');
  await form.locator('input[name=amount]').fill('1234.56');
  await form.locator('select[name=method]').selectOption('cash');
  await form.locator('button[type=submit]').click();
  await expect(other.getByTestId('order-paid')).toHaveText('₽1,234.56');

  // The director's figure moves without a reload.
  await expect.poll(async () => kopecks(await inTotal.textContent()), { timeout: 10_000 }).toBe(before + 123456);
});

test('a seller sees only their shop and cannot open the constructor', async ({ page, errors }) => {
  // seller4 works at «Вайнера» (Ekaterinburg); no other test changes their shops.
  await signIn(page, 'seller4');
  await page.goto('/reports');
  await page.getByTestId('std-sales').click();
  await page.getByTestId('std-by').selectOption('shop');
  await page.getByTestId('std-from').fill(new Date(Date.now() - 400 * 86_400_000).toISOString().slice(0, 10));
  await page.getByTestId('std-from').dispatchEvent('change');
  const rows = page.getByTestId('report-table').getByTestId('report-row');
  await expect(rows.first()).toBeVisible();
  const shops = await rows.locator('td:first-child').allTextContents();
  expect(shops.length).toBeGreaterThan(0);
  expect(shops.every((s) => s.includes('Вайнера'))).toBe(true);
  await expect(page.getByTestId('tab-constructor')).toHaveCount(0);
});
