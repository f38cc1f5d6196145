// The order form that doesn't lose work: a client created inline, the draft kept through
// reload and Back, every field's error beside its field, a discount in percent.
import { test, expect, signIn, headersOf } from './fixtures.mjs';

/** A product at `price` with 5 pieces at seller1's shop «Тверская». */
async function stocked(request, tag, price = '1500') {
  const headers = await headersOf(request, 'admin');
  const created = await request.post('/api/v1/products', {
    headers, data: { sku: `E2E-OF-${tag}`, name: `Плитка тестовая ${tag}`, unit: 'pcs', price },
  });
  expect(created.status()).toBe(201);
  const product = await created.json();
  const locations = await (await request.get('/api/v1/locations', { headers })).json();
  const shop = locations.find((l) => l.name === 'Магазин «Тверская»');
  expect((await request.post('/api/v1/stock/receipts', {
    headers, data: { location_id: shop.id, lines: [{ product_id: product.id, qty: '5' }] },
  })).status()).toBe(201);
  return { product, shop };
}

/** Adds a line of the test product taken from the shop. */
async function addLine(page, tag, shop) {
  await page.getByTestId('product-search').fill(`E2E-OF-${tag}`);
  await page.getByTestId('search-hits').locator('button').first().click();
  await page.locator(`[data-testid=take-from][data-location="${shop.id}"]`).click();
}

/** Elements wider than their box (something would scroll sideways); text hidden for
 * screen readers only (`.visually-hidden`, a 1 px clipped box) is meant to overflow. */
async function sidewaysScrollers(page) {
  return page.evaluate(() => [document.documentElement, ...document.querySelectorAll('body *')]
    .filter((e) => !e.closest('.visually-hidden'))
    .filter((e) => e.scrollWidth > e.clientWidth && getComputedStyle(e).display !== 'inline')
    .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${e.scrollWidth}>${e.clientWidth}`));
}

test('a client created inline and the lines survive reload and Back; saving clears the draft', async ({ page, errors, request }, info) => {
  const tag = `keep${info.project.name}${Date.now() % 1000000}`;
  const { shop } = await stocked(request, tag);
  await signIn(page, 'seller1');
  await page.goto('/orders/new');
  const phone = `+7 998 ${String(Date.now()).slice(-7)}`;
  await page.getByTestId('order-client-search').fill(phone);
  await page.getByTestId('create-client-offer').click();
  const inline = page.getByTestId('inline-client');
  await expect(inline.locator('input[name=inline-client-phone]')).toHaveValue(phone);
  // Name missing: said under the name field, and nothing is created.
  await inline.getByTestId('inline-client-save').click();
  await expect(inline.locator('#inline-client-name')).toHaveAttribute('aria-invalid', 'true');
  await expect(inline.locator('#inline-client-name-error')).toBeVisible();
  await inline.locator('input[name=inline-client-name]').fill(`Новый клиент ${tag}`);
  await inline.getByTestId('inline-client-save').click();
  await expect(page.getByTestId('picked-client')).toContainText(`Новый клиент ${tag}`);
  await expect(page.getByTestId('inline-client')).toHaveCount(0);

  await addLine(page, tag, shop);
  await page.getByTestId('draft-line').locator('input.qty').fill('3');
  await page.locator('textarea[name=comment]').fill(`Позвонить ${tag}`);
  const remove = page.getByTestId('remove-line');
  await expect(remove).toHaveAccessibleName(/Remove line Плитка тестовая/);
  const box = await remove.boundingBox();
  expect(box.width).toBeGreaterThanOrEqual(44);
  expect(box.height).toBeGreaterThanOrEqual(44);
  expect(box.x + box.width).toBeLessThanOrEqual(page.viewportSize().width);
  expect(await sidewaysScrollers(page)).toEqual([]);

  const kept = async () => {
    await expect(page.getByTestId('picked-client')).toContainText(`Новый клиент ${tag}`);
    await expect(page.getByTestId('draft-line')).toHaveCount(1);
    await expect(page.getByTestId('draft-line').locator('input.qty')).toHaveValue('3');
    await expect(page.locator('textarea[name=comment]')).toHaveValue(`Позвонить ${tag}`);
    await expect(page.getByTestId('draft-total')).toHaveAttribute('data-amount', '4500');
  };
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  await kept();
  await expect(page.getByTestId('draft-restored')).toBeVisible();
  await page.goto('/clients');
  await page.goBack();
  await page.waitForSelector('body[data-ready]');
  await kept();

  await page.getByTestId('create-order').click();
  await expect(page.getByTestId('order-number')).toBeVisible();
  await expect(page.getByTestId('order-total')).toHaveText('₽4,500.00');
  await expect(page.getByTestId('order-client')).toContainText(`Новый клиент ${tag}`);
  await page.goto('/orders/new');
  await expect(page.getByTestId('order-client-search')).toHaveValue('');
  await expect(page.getByTestId('draft-line')).toHaveCount(0);
  await expect(page.getByTestId('draft-restored')).toHaveCount(0);
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('vitrina.order-draft')))).toEqual([]);
});

test('every wrong field is shown beside itself at once, the first one focused', async ({ page, errors, request }, info) => {
  const tag = `bad${info.project.name}${Date.now() % 1000000}`;
  const { shop } = await stocked(request, tag);
  await signIn(page, 'seller1');
  await page.goto('/orders/new');
  await addLine(page, tag, shop);
  await addLine(page, tag, shop);
  await expect(page.getByTestId('draft-line')).toHaveCount(2);
  await page.locator('#order-qty0').fill('abc');
  await page.locator('#order-discount1').fill('2000');
  await page.getByTestId('create-order').click();
  for (const id of ['order-qty0', 'order-discount1']) {
    const input = page.locator(`#${id}`);
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    await expect(input).toHaveAttribute('aria-describedby', `${id}-error`);
    await expect(page.locator(`#${id}-error`)).toBeVisible();
  }
  await expect(page.locator('#order-qty0-error')).toHaveText('invalid value');
  await expect(page.locator('#order-discount1-error')).toHaveText("more than the line's sum");
  await expect(page.locator('#order-qty0')).toBeFocused();
  await expect(page.locator('#order-discount0')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('form-errors')).toBeVisible();
  await expect(page).toHaveURL(/\/orders\/new$/);
  // Fixing one leaves the other marked.
  await page.locator('#order-qty0').fill('1');
  await expect(page.locator('#order-qty0')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#order-discount1')).toHaveAttribute('aria-invalid', 'true');
  // «Discard draft» asks first, then empties the form and forgets the draft.
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('discard-draft').click();
  await expect(page.getByTestId('draft-line')).toHaveCount(0);
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  await expect(page.getByTestId('draft-line')).toHaveCount(0);
});

test('a 10 % discount on a 1234.50 line takes 123.45 off, exactly', async ({ page, errors, request }, info) => {
  const tag = `pct${info.project.name}${Date.now() % 1000000}`;
  const { shop } = await stocked(request, tag, '1234.50');
  await signIn(page, 'seller1');
  await page.goto('/orders/new');
  await addLine(page, tag, shop);
  const line = page.getByTestId('draft-line');
  const unit = line.getByTestId('discount-unit');
  await expect(unit).toHaveAccessibleName('Discount unit');
  const ub = await unit.boundingBox();
  expect(Math.min(ub.width, ub.height)).toBeGreaterThanOrEqual(44);
  await unit.selectOption('percent');
  await line.locator('input.discount').fill('10');
  await expect(line.getByTestId('discount-money')).toHaveAttribute('data-amount', '123.45');
  await expect(line.getByTestId('draft-amount')).toHaveAttribute('data-amount', '1111.05');
  await expect(page.getByTestId('draft-total')).toHaveAttribute('data-amount', '1111.05');
  await expect(page.getByTestId('draft-total')).toHaveText(/^(₽1,111\.05|1\u00a0111,05\u00a0₽)$/);
  // Over 100 % is refused beside the field.
  await line.locator('input.discount').fill('101');
  await page.getByTestId('create-order').click();
  await expect(page.locator('#order-discount0-error')).toHaveText('not more than 100 %');
  await line.locator('input.discount').fill('10');
  await expect(page.locator('#order-discount0-error')).toHaveCount(0);
  expect(await sidewaysScrollers(page)).toEqual([]);
  await page.getByTestId('create-order').click();
  await expect(page.getByTestId('order-total')).toHaveText('₽1,111.05');
});
