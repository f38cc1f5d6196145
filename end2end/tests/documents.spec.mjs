import { test, expect, signIn, tverskayaOrder } from './fixtures.mjs';

// A 4×4 red PNG: the "signed scan".
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000040000000408020000002693092900000010494441547'
  + '89c6338212707470cc47100b16310413b4b638200000000049454e44ae426082',
  'hex',
);

test('an admin edits a template and the preview on a real order follows; a broken one is refused with its line', async ({ page, errors }, info) => {
  const tag = `${info.project.name}${Date.now() % 1000000}`;
  errors.allow(/status of 422/); // the broken template's preview and save, on purpose
  await signIn(page, 'admin');
  await page.goto('/settings/templates');
  await expect(page.getByTestId('template-row').first()).toBeVisible();
  await page.getByTestId('new-template').click();
  await page.waitForURL(/\/settings\/templates\/\d+$/);
  const preview = page.getByTestId('preview-page').first();
  await expect(preview).toBeVisible({ timeout: 15_000 });
  await expect(preview).toHaveAttribute('alt', /Счёт на оплату №/);
  const body = page.getByTestId('template-body');
  const original = await body.inputValue();
  expect(original).toContain('{{ order.total_words }}');

  await body.fill(original.replace('Счёт действителен к оплате', `Оплатите до пятницы ${tag}. Счёт действителен к оплате`));
  await expect(preview).toHaveAttribute('alt', new RegExp(`Оплатите до пятницы ${tag}`), { timeout: 15_000 });

  // A broken line: the preview and the save both say where.
  await body.fill(`${original}\n#table(columns: 2,\n`);
  await expect(page.locator('.template-preview .error')).toContainText(/line|строка/i, { timeout: 15_000 });
  await page.getByTestId('save-template').click();
  await expect(page.locator('.template-source .error')).toContainText(/line \d+|строка \d+/i);

  await body.fill(original.replace('Счёт действителен к оплате', `Подпись ${tag}. Счёт действителен к оплате`));
  await page.getByTestId('save-template').click();
  await expect(page.getByTestId('template-saved')).toBeVisible();
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  await expect(page.getByTestId('template-body')).toHaveValue(new RegExp(`Подпись ${tag}`));
});

test('a seller generates an invoice from the order and attaches the signed scan; the accountant opens both', async ({ page, errors, openUser, request }, info) => {
  const tag = `${info.project.name}${Date.now() % 1000000}`;
  errors.allow(/status of 415/); // the text file, refused on purpose
  const { order } = await tverskayaOrder(request, { sku: `E2E-DOC-${tag}`, name: `Плитка ${tag}`, price: '2500', qty: '2' });

  await signIn(page, 'seller1');
  await page.goto(`/orders/${order.id}`);
  const docs = page.getByTestId('documents');
  await expect(docs).toBeVisible();
  const options = await docs.getByTestId('generate-template').locator('option').allTextContents();
  const invoice = options.find((o) => o.startsWith('Счёт на оплату') && o.includes('(ru)'));
  expect(invoice).toBeTruthy();
  await docs.getByTestId('generate-template').selectOption({ label: invoice });
  await docs.getByTestId('generate').click();
  const item = docs.getByTestId('document');
  await expect(item).toHaveCount(1);
  await expect(item.getByTestId('document-link')).toContainText('Счёт на оплату №');

  const files = page.getByTestId('files');
  const target = files.getByTestId('file-target');
  await target.selectOption({ index: 1 });
  await files.getByTestId('file-input').setInputFiles({ name: 'Счёт подписан.png', mimeType: 'image/png', buffer: PNG });
  await expect(files.getByTestId('file')).toHaveCount(1);
  await expect(files.getByTestId('file').first()).toHaveAttribute('data-kind', 'document');
  await expect(files.getByTestId('thumbnail')).toBeVisible();
  // A file of the wrong type is refused with the message.
  await files.getByTestId('file-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(files.locator('.error')).toContainText(/PDF, JPEG/);
  await expect(files.getByTestId('file')).toHaveCount(1);

  // The accountant in the head office sees the document among all shops' documents.
  const accountant = await openUser();
  await signIn(accountant, 'accountant');
  await accountant.goto('/documents');
  const row = accountant.getByTestId('document-row').filter({ hasText: order.number });
  await expect(row).toHaveCount(1);
  const pdfHref = await row.getByTestId('document-link').getAttribute('href');
  const pdf = await accountant.request.get(pdfHref);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

  await accountant.goto(`/orders/${order.id}`);
  const scan = accountant.getByTestId('files').getByTestId('file');
  await expect(scan).toHaveCount(1);
  await expect.poll(() => scan.getByTestId('thumbnail').evaluate((img) => img.naturalWidth)).toBeGreaterThan(0);
  const scanHref = await scan.getByTestId('file-link').getAttribute('href');
  const file = await accountant.request.get(scanHref);
  expect(file.status()).toBe(200);
  expect(Buffer.compare(await file.body(), PNG)).toBe(0);

  // Both openings are in the order's history.
  await accountant.reload();
  await accountant.waitForSelector('body[data-ready]');
  await expect(accountant.getByTestId('order-history').locator('li', { hasText: 'Марина Бухгалтер' })).toHaveCount(2);
});
