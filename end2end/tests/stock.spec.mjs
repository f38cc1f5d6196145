import { test, expect, signIn, productWithLastUnit } from './fixtures.mjs';

test('two sellers: A reserves the last unit, B sees it go and is refused clearly', async ({ page, errors, openUser, request }, info) => {
  const { product, shop } = await productWithLastUnit(request, `${info.project.name}-${Date.now()}`);
  const sellerB = await openUser();
  sellerB.vitrinaErrors.allow(/status of 409/);
  await signIn(sellerB, 'seller2');
  await sellerB.goto(`/stock?product=${product.id}`);
  const rowB = sellerB.locator(`[data-testid=stock-row][data-location="${shop.id}"]`);
  await expect(rowB.getByTestId('available')).toHaveText('1');
  // B starts to reserve the same unit…
  await sellerB.getByTestId(`reserve-${shop.id}`).click();
  await expect(sellerB.getByTestId('reserve-form')).toBeVisible();

  // …but A, in the shop, is quicker.
  await signIn(page, 'seller1');
  await page.goto(`/stock?product=${product.id}`);
  const rowA = page.locator(`[data-testid=stock-row][data-location="${shop.id}"]`);
  await expect(rowA).toHaveClass(/home/);
  await page.getByTestId(`reserve-${shop.id}`).click();
  await page.getByTestId('reserve-form').locator('input[name=client]').fill('Смирнов, +7 916 000-00-00');
  await page.getByTestId('reserve-form').locator('button[type=submit]').click();
  await expect(page.getByTestId('reserve-form')).toBeHidden();
  await expect(rowA.getByTestId('available')).toHaveText('0');
  await expect(page.getByTestId('reservations-table')).toContainText('Смирнов');

  // B's screen updated by itself; B's form is still open; submitting is refused.
  await expect(rowB.getByTestId('available')).toHaveText('0');
  await expect(sellerB.getByTestId('reservations-table')).toContainText('Анна Смирнова');
  await sellerB.getByTestId('reserve-form').locator('button[type=submit]').click();
  await expect(sellerB.getByTestId('reserve-form').getByRole('alert')).toContainText('Not enough stock here. Available: 0');
});

test('a barcode scanned into the search opens the product', async ({ page, errors, request }, info) => {
  const { product, barcode } = await productWithLastUnit(request, `scan-${info.project.name}-${Date.now()}`);
  await signIn(page, 'seller4');
  await page.goto('/stock');
  await page.waitForSelector('body[data-ready]');
  const search = page.getByTestId('product-search');
  await search.click();
  // A keyboard-wedge scanner: fast digits, then Enter.
  await page.keyboard.type(barcode, { delay: 5 });
  await expect(page.getByTestId('search-hits')).toContainText(product.name);
  await page.keyboard.press('Enter');
  // An exact barcode opens the product's card: price, barcodes, no cost for a seller, availability.
  await expect(page).toHaveURL(new RegExp(`/stock/products/${product.id}$`));
  await expect(page.getByTestId('card-name')).toHaveText(product.name);
  await expect(page.getByTestId('card-barcodes')).toContainText(barcode);
  await expect(page.getByTestId('card-price')).toHaveText('₽12,990.00');
  await expect(page.getByTestId('card-cost')).toHaveCount(0);
  await expect(page.getByTestId('product-name')).toHaveText(product.name);
  await expect(page.getByTestId('stock-row').first()).toBeVisible();
});

test.describe('before the bundle arrives', () => {
  // The service worker would fetch the bundle itself, past `page.route`: hold it back
  // for real only with the worker out of the way (repeat visits are offline.spec's).
  test.use({ serviceWorkers: 'block' });

  test('a barcode scanned before the page is interactive leads to its availability, and typing is taken over', async ({ page, errors, request }, info) => {
    const { product, barcode } = await productWithLastUnit(request, `early-${info.project.name}-${Date.now()}`);
    await signIn(page, 'seller4');
    // Hold the browser bundle back: until it is let through the page is the server's HTML.
    let release;
    let held = new Promise((resolve) => { release = resolve; });
    await page.route('**/pkg/vitrina_bg.wasm', async (route) => { await held; await route.continue(); });
    await page.goto('/stock', { waitUntil: 'domcontentloaded', hydrated: false });
    const search = page.getByTestId('product-search');
    await search.click();
    await page.keyboard.type(barcode, { delay: 5 });
    await page.keyboard.press('Enter');
    // The plain form went to the server, which answered with the product's availability.
    await expect(page).toHaveURL(/\/stock\?q=/);
    await expect(page.getByTestId('product-name')).toHaveText(product.name);
    await expect(page.getByTestId('stock-row').first()).toBeVisible();
    await expect(page.locator('body[data-ready]')).toHaveCount(0);
    release();
    await page.waitForSelector('body[data-ready]');
    await expect(page.getByTestId('product-name')).toHaveText(product.name);

    // Typed while the bundle is still on its way (no Enter yet): searched once it runs.
    held = new Promise((resolve) => { release = resolve; });
    await page.goto('/stock', { waitUntil: 'domcontentloaded', hydrated: false });
    await page.getByTestId('product-search').click();
    await page.keyboard.type(barcode, { delay: 5 });
    await expect(page.locator('body[data-ready]')).toHaveCount(0);
    release();
    await page.waitForSelector('body[data-ready]');
    await expect(page.getByTestId('product-search')).toHaveValue(barcode);
    await expect(page.getByTestId('search-hits')).toContainText(product.name);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`/stock/products/${product.id}$`));
  });

  test('a hold made before the page is interactive: plain link and form, the server answers with the page', async ({ page, errors, request }, info) => {
    const { product, shop } = await productWithLastUnit(request, `early-hold-${info.project.name}-${Date.now()}`, 'Магазин «Тверская»', '3');
    await signIn(page, 'seller1');
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route('**/pkg/vitrina_bg.wasm', async (route) => { await held; await route.continue(); });
    await page.goto(`/stock?product=${product.id}`, { waitUntil: 'domcontentloaded', hydrated: false });
    const row = page.locator(`[data-testid=stock-row][data-location="${shop.id}"]`);
    await expect(row.getByTestId('available')).toHaveText('3');
    // «Reserve» is a link: the server answers with the form open.
    await page.getByTestId(`reserve-${shop.id}`).click();
    const form = page.getByTestId('reserve-form');
    await expect(form).toBeVisible();
    // Too many first: refused on the page, with what was typed kept.
    await form.locator('input[name=qty]').fill('5');
    await form.locator('input[name=client]').fill('Ранний клиент, +7 916 111-22-33');
    await form.locator('button[type=submit]').click();
    await expect(form.getByRole('alert')).toContainText('Not enough stock here. Available: 3');
    await expect(form.locator('input[name=client]')).toHaveValue('Ранний клиент, +7 916 111-22-33');
    await form.locator('input[name=qty]').fill('2');
    await form.locator('button[type=submit]').click();
    await expect(page.getByTestId('reserve-notice')).toBeVisible();
    await expect(row.getByTestId('available')).toHaveText('1');
    await expect(page.getByTestId('reservations-table')).toContainText('Ранний клиент');
    await expect(page.locator('body[data-ready]')).toHaveCount(0);
    // A reload of the answer does not hold twice (it is a GET).
    await page.reload({ waitUntil: 'domcontentloaded' });
    await expect(row.getByTestId('available')).toHaveText('1');
    release();
    await page.waitForSelector('body[data-ready]');
    await expect(page.getByTestId('reservation-row')).toHaveCount(1);

    // Typed into the open form before the bundle runs: kept through hydration and sent.
    await page.unroute('**/pkg/vitrina_bg.wasm');
    let release2;
    const held2 = new Promise((resolve) => { release2 = resolve; });
    await page.route('**/pkg/vitrina_bg.wasm', async (route) => { await held2; await route.continue(); });
    await page.goto(`/stock?product=${product.id}&reserve=${shop.id}`, { waitUntil: 'domcontentloaded', hydrated: false });
    await page.getByTestId('reserve-form').locator('input[name=client]').fill('Второй клиент');
    release2();
    await page.waitForSelector('body[data-ready]');
    await expect(page.getByTestId('reserve-form').locator('input[name=client]')).toHaveValue('Второй клиент');
    await page.getByTestId('reserve-form').locator('button[type=submit]').click();
    await expect(page.getByTestId('reserve-notice')).toBeVisible();
    await expect(row.getByTestId('available')).toHaveText('0');
    await expect(page.getByTestId('reservations-table')).toContainText('Второй клиент');
  });
});

test('search by a name fragment lists products with what is free', async ({ page, errors }) => {
  await signIn(page, 'seller3');
  await page.goto('/stock');
  await page.waitForSelector('body[data-ready]');
  await page.getByTestId('product-search').fill('дрель');
  await expect(page.getByTestId('search-hits').locator('li').first()).toContainText('Дрель');
  await page.getByTestId('search-hits').locator('button').first().click();
  await expect(page.getByTestId('stock-table')).toBeVisible();
  // Every active location has a row (other tests may have added shops).
  expect(await page.getByTestId('stock-row').count()).toBeGreaterThanOrEqual(7);
  await expect(page.getByTestId('stock-row').first()).toHaveClass(/home/);
});

test('a stock count: scan, enter what is on the shelf, the difference becomes an adjustment', async ({ page, errors, request }, info) => {
  // The helper puts 1 unit at the Podolsk warehouse; its storekeeper counts it (a
  // storekeeper moves stock only at their own locations).
  const { product, barcode } = await productWithLastUnit(request, `count-${info.project.name}-${Date.now()}`, 'Склад «Подольск»');
  await signIn(page, 'storekeeper1');
  await page.goto('/stock/documents/new');
  await page.waitForSelector('[data-testid=document-form]');
  const form = page.getByTestId('document-form');
  await form.locator('select[name=kind]').selectOption('count');
  await form.locator('select[name=location]').selectOption({ label: 'Склад «Подольск»' });
  const search = page.getByTestId('product-search');
  await search.click();
  await page.keyboard.type(barcode, { delay: 5 });
  await expect(page.getByTestId('search-hits')).toContainText(product.name);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('new-line')).toHaveCount(1);
  // Two found on the shelf, one was expected.
  await page.getByTestId('new-line').locator('input[name=line-qty]').fill('2');
  await page.getByTestId('post-document').click();
  await expect(page).toHaveURL(/\/stock\/documents\/\d+$/);
  await expect(page.getByTestId('document-title')).toContainText('Stock count');
  const line = page.getByTestId('document-lines').locator('tbody tr');
  await expect(line).toContainText(product.name);
  await expect(line.locator('td.num').nth(0)).toHaveText('2');
  await expect(line.locator('td.num').nth(1)).toHaveText('1');
  // The document is listed, and the product's numbers follow.
  await page.goto('/stock/documents');
  await expect(page.getByTestId('documents-table')).toContainText('Stock count');
  await page.goto(`/stock?product=${product.id}`);
  const row = page.getByTestId('stock-row').filter({ hasText: 'Склад «Подольск»' });
  await expect(row.getByTestId('available')).toHaveText('2');
});

test('the stock overview of a shop filters what runs low', async ({ page, errors }) => {
  await signIn(page, 'seller2');
  await page.goto('/stock/overview');
  await page.waitForSelector('[data-testid=overview-filters]');
  await page.getByTestId('overview-filters').locator('select[name=location]').selectOption({ label: 'Магазин «Невский»' });
  await expect.poll(async () => Number(await page.getByTestId('overview-count').textContent())).toBeGreaterThan(0);
  const all = Number(await page.getByTestId('overview-count').textContent());
  await page.getByTestId('overview-filters').locator('select[name=only]').selectOption('low');
  await expect.poll(async () => Number(await page.getByTestId('overview-count').textContent())).toBeLessThan(all);
  const available = await page.getByTestId('overview-table').locator('tbody tr td.num:nth-of-type(5)').allTextContents();
  for (const a of available) expect(Number(a)).toBeLessThan(2);
});

test('a storekeeper adds a product; a bad price is refused with a translated message', async ({ page, errors }, info) => {
  const sku = `NP-${info.project.name}-${Date.now()}`;
  await signIn(page, 'storekeeper1');
  await page.goto('/stock');
  await page.getByTestId('new-product').click();
  const form = page.getByTestId('product-form');
  await form.locator('input[name=sku]').fill(sku);
  await form.locator('input[name=name]').fill('Уровень строительный 60 см');
  await form.locator('select[name=unit]').selectOption('pcs');
  await form.locator('input[name=price]').fill('12,345');
  await form.locator('button[type=submit]').click();
  await expect(form.getByRole('alert')).toHaveText('Price: invalid value');
  await form.locator('input[name=price]').fill('1299,90');
  await form.locator('button[type=submit]').click();
  await expect(page).toHaveURL(/product=\d+/);
  await expect(page.getByTestId('product-name')).toHaveText('Уровень строительный 60 см');
});

test('a CSV import is checked row by row, refused with errors, then imports only the valid rows', async ({ page, errors }, info) => {
  const tag = `${info.project.name}${Date.now() % 1000000}`;
  const csv = `Артикул;Название;Цена;Ед\nCSV-${tag}-1;Стремянка CSV ${tag};3490;шт\nCSV-${tag}-2;Без цены ${tag};;шт\nCSV-${tag}-3;Валик CSV ${tag};350,50;шт\n`;
  await signIn(page, 'admin');
  await page.goto('/stock');
  await page.getByTestId('import-link').click();
  await page.waitForSelector('[data-testid=import-form]');
  await page.locator('input[type=file]').setInputFiles({ name: 'catalog.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByTestId('import-check')).toBeEnabled();
  await page.getByTestId('import-check').click();
  await expect(page.getByTestId('rows')).toHaveText('3');
  await expect(page.getByTestId('valid')).toHaveText('2');
  await expect(page.getByTestId('import-errors')).toContainText('Price: required');
  await expect(page.getByTestId('import-preview')).toContainText(`Стремянка CSV ${tag}`);
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('import-blocked')).toBeVisible();
  await page.locator('input[name=only-valid]').check();
  await page.getByTestId('import-apply').click();
  await expect(page.getByTestId('imported')).toBeVisible();
  await page.goto('/stock');
  await page.getByTestId('product-search').fill(`CSV ${tag}`);
  await expect(page.getByTestId('search-hits').locator('li')).toHaveCount(2);
});

test('a large CSV import shows how far it got, then its report', async ({ page, errors }, info) => {
  const tag = `${info.project.name}${Date.now() % 1000000}`;
  let csv = 'sku,name,price\n';
  for (let i = 0; i < 4000; i++) csv += `BIG-${tag}-${i},Дюбель ${tag} ${i},${i % 90 + 1}.90\n`;
  await signIn(page, 'storekeeper1');
  await page.goto('/stock/import');
  await page.waitForSelector('body[data-ready]');
  await page.locator('input[type=file]').setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByTestId('import-check')).toBeEnabled();
  await page.getByTestId('import-check').click();
  // The bar shows a percentage while the server works through the rows.
  await expect(page.getByTestId('import-percent')).toContainText('%');
  await expect(page.getByTestId('import-percent')).toContainText('/ 4000');
  await expect(page.getByTestId('rows')).toHaveText('4000', { timeout: 30_000 });
  await expect(page.getByTestId('valid')).toHaveText('4000');
  await expect(page.getByTestId('import-progress')).toHaveCount(0);
});

test('a seller orders delivery from a warehouse: a transfer goes in transit and arrives at the shop', async ({ page, errors, request }, info) => {
  const { product, shop: warehouse } = await productWithLastUnit(request, `dlv-${info.project.name}-${Date.now()}`, 'Склад «Подольск»', '5');
  await signIn(page, 'seller1');
  await page.goto(`/stock?product=${product.id}`);
  const row = page.locator(`[data-testid=stock-row][data-location="${warehouse.id}"]`);
  await expect(row.getByTestId('available')).toHaveText('5');
  await page.getByTestId(`deliver-${warehouse.id}`).click();
  const form = page.getByTestId('reserve-form');
  await form.locator('input[name=qty]').fill('2');
  await form.locator('input[name=client]').fill('Для клиента Орлова');
  await form.locator('button[type=submit]').click();
  await expect(page.getByTestId('delivery-created')).toBeVisible();
  await expect(row.getByTestId('available')).toHaveText('3');
  await page.getByTestId('delivery-created').locator('a').click();
  await expect(page.getByTestId('document-status')).toHaveText('In transit');
  await page.getByTestId('receive-transfer').click();
  await expect(page.getByTestId('document-status')).toHaveText('Done');
  await page.goto(`/stock?product=${product.id}`);
  const home = page.getByTestId('stock-row').first();
  await expect(home).toHaveClass(/home/);
  await expect(home.getByTestId('available')).toHaveText('2');
});

test('a catalog manager links an alternative and archives a product; sellers cannot', async ({ page, errors, openUser, request }, info) => {
  const tag = `${info.project.name}-${Date.now()}`;
  const { product: a } = await productWithLastUnit(request, `altA-${tag}`);
  const { product: b } = await productWithLastUnit(request, `altB-${tag}`);
  const seller = await openUser();
  await signIn(seller, 'seller1');
  await seller.goto(`/stock?product=${a.id}`);
  await expect(seller.getByTestId('product-name')).toHaveText(a.name);
  await expect(seller.getByTestId('archive-product')).toHaveCount(0);

  await signIn(page, 'storekeeper1');
  await page.goto(`/stock?product=${a.id}`);
  await page.getByTestId('link-alternative').click();
  await page.getByTestId('link-form').getByTestId('product-search').fill(b.name);
  await page.getByTestId('link-form').getByTestId('search-hits').locator('button').first().click();
  await expect(page.getByTestId('alternatives')).toContainText(b.name);
  // The seller's open screen shows the new alternative too.
  await expect(seller.getByTestId('alternatives')).toContainText(b.name);

  await page.getByTestId('archive-product').click();
  await expect(page).toHaveURL(/\/stock$/);
  await page.getByTestId('product-search').fill(a.sku);
  await expect(page.getByTestId('search-hits')).toContainText('Nothing found');
});
