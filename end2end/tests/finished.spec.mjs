// Finished screens: money and dates in the user's language, the product card, the reserve
// form in view with its field focused, confirmations with undo, icons with names, charts
// whose labels fit.
import { test, expect, signIn, openNav, productWithLastUnit, headersOf } from './fixtures.mjs';

test.describe('in Russian', () => {
  test.use({ locale: 'ru-RU' });

  test('a seller opens a product card (no cost), reserves with the form in view, undoes; releases with a confirmation and undoes', async ({ page, errors, request }, info) => {
    const { product, shop } = await productWithLastUnit(request, `card-${info.project.name}-${Date.now()}`, 'Магазин «Тверская»', '3');
    await signIn(page, 'seller1');
    await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
    await page.goto(`/stock/products/${product.id}`);
    await expect(page.getByTestId('card-name')).toHaveText(product.name);
    // Money as a Russian reads it; no cost price for a seller.
    await expect(page.getByTestId('card-price')).toHaveText('12\u00a0990,00\u00a0₽');
    await expect(page.getByTestId('card-unit')).toHaveText('шт');
    await expect(page.getByTestId('card-cost')).toHaveCount(0);
    const row = page.locator(`[data-testid=stock-row][data-location="${shop.id}"]`);
    await expect(row.getByTestId('available')).toHaveText('3');
    // The reserve action is visible on the row without scrolling sideways.
    const reserve = page.getByTestId(`reserve-${shop.id}`);
    await expect(reserve).toBeInViewport();
    await reserve.click();
    // The form opens in view, the cursor in its first field.
    const form = page.getByTestId('reserve-form');
    await expect(form.locator('input[name=qty]')).toBeFocused();
    await expect(form.locator('input[name=qty]')).toBeInViewport();
    await page.keyboard.type('2');
    await form.locator('input[name=client]').fill('Покупатель с отменой');
    await form.locator('button[type=submit]').click();
    const toast = page.locator('.toast');
    await expect(toast).toContainText('Зарезервировано');
    await expect(toast).toContainText('× 2');
    await expect(row.getByTestId('available')).toHaveText('1');
    // Undo within a few seconds: the hold is gone.
    await toast.getByTestId('undo').click();
    await expect(row.getByTestId('available')).toHaveText('3');
    await expect(page.getByTestId('reservation-row')).toHaveCount(0);

    // Hold again, then release: asked first, then offered back.
    await reserve.click();
    await form.locator('input[name=client]').fill('Покупатель с возвратом');
    await form.locator('button[type=submit]').click();
    await expect(row.getByTestId('available')).toHaveText('2');
    await page.locator('.toast button.icon-button').click();
    await page.getByTestId('release').click();
    await expect(page.getByTestId('reservation-row')).toContainText('Снять этот резерв?');
    await expect(row.getByTestId('available')).toHaveText('2');
    await page.getByTestId('release-confirm').click();
    await expect(page.locator('.toast')).toContainText('Резерв снят');
    await expect(row.getByTestId('available')).toHaveText('3');
    await page.locator('.toast').getByTestId('undo').click();
    await expect(row.getByTestId('available')).toHaveText('2');
    await expect(page.getByTestId('reservation-row')).toContainText('Покупатель с возвратом');
  });

  test('a director sees the cost price on the card; an order shows its money, quantities and statuses in words', async ({ page, errors, request }, info) => {
    const admin = await headersOf(request, 'admin');
    const { product, shop } = await productWithLastUnit(request, `cost-${info.project.name}-${Date.now()}`, 'Магазин «Тверская»', '5');
    const set = await request.put(`/api/v1/products/${product.id}`, {
      headers: admin, data: { sku: product.sku, name: product.name, unit: 'pcs', price: '10006.5', cost: '7000', barcodes: product.barcodes },
    });
    expect(set.status()).toBe(200);
    const seller = await headersOf(request, 'seller1');
    const created = await request.post('/api/v1/orders', {
      headers: seller, data: { shop_id: shop.id, fulfilment: 'pickup', lines: [{ product_id: product.id, location_id: shop.id, qty: '2' }] },
    });
    expect(created.status()).toBe(201);
    const order = await created.json();
    await signIn(page, 'director');
    await page.goto(`/stock/products/${product.id}`);
    await expect(page.getByTestId('card-cost')).toHaveText('7\u00a0000,00\u00a0₽');
    await page.goto(`/orders/${order.id}`);
    await expect(page.getByTestId('order-total')).toHaveText('20\u00a0013,00\u00a0₽');
    await expect(page.getByTestId('line-reservation')).toHaveText(['В резерве']);
    // The line's product links to its card.
    await page.getByTestId('order-line').getByRole('link', { name: product.name }).click();
    await expect(page).toHaveURL(new RegExp(`/stock/products/${product.id}$`));
  });
});

test('icons are drawn, not emoji, and the bell is named with its count', async ({ page, errors }) => {
  await signIn(page, 'seller1');
  await openNav(page);
  // Every navigation link has an SVG icon and a text name.
  const links = page.locator('.sidebar a');
  const count = await links.count();
  expect(count).toBeGreaterThan(8);
  for (let i = 0; i < count; i++) {
    await expect(links.nth(i).locator('svg.icon')).toHaveCount(1);
    expect((await links.nth(i).innerText()).trim().length).toBeGreaterThan(0);
  }
  const shell = await page.locator('.topbar').innerText();
  expect(shell).not.toMatch(/[\u{1F300}-\u{1FAFF}\u2600-\u27BF]/u);
  await expect(page.getByTestId('bell')).toHaveAccessibleName(/^Notifications/);
});

test('chart labels never overlap and the chart is described in words', async ({ page, errors }) => {
  await signIn(page, 'director');
  await page.goto('/reports');
  const chart = page.getByTestId('report-chart').first();
  await expect(chart).toBeVisible();
  await expect(chart.locator('svg')).toHaveAttribute('aria-label', /.+:.+/);
  const boxes = await chart.locator('svg text').evaluateAll((els) => els
    .filter((e) => e.textContent.trim().length > 0)
    .map((e) => { const r = e.getBoundingClientRect(); return { l: r.left, r: r.right, t: r.top, b: r.bottom, text: e.textContent }; }));
  const svg = await chart.locator('svg').boundingBox();
  for (const [i, a] of boxes.entries()) {
    expect(a.l, `${a.text} inside the chart`).toBeGreaterThanOrEqual(svg.x - 1);
    expect(a.r, `${a.text} inside the chart`).toBeLessThanOrEqual(svg.x + svg.width + 1);
    for (const b of boxes.slice(i + 1)) {
      const overlap = a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5;
      expect(overlap, `«${a.text}» and «${b.text}» overlap`).toBe(false);
    }
  }
});
