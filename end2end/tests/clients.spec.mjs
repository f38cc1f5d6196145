import { test, expect, signIn } from './fixtures.mjs';

test('a seller creates a client card, is warned of a phone on another card, finds and edits it', async ({ page, errors }, info) => {
  const tag = `${info.project.name}${Date.now() % 1000000}`;
  const digits = String(Date.now()).slice(-7);
  const phone = `8 (912) ${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`;
  await signIn(page, 'seller2');
  await page.goto('/clients');
  await page.waitForSelector('body[data-ready]');
  await page.getByTestId('new-client').click();
  const form = page.getByTestId('client-form');
  await form.locator('input[name=name]').fill(`Ольга Кузнецова ${tag}`);
  await form.getByTestId('client-phone').first().fill(phone);
  await form.locator('input[name=email]').fill('olga@example.ru');
  await form.locator('input[name=consent]').check();
  await expect(page.getByTestId('duplicate-phone')).toHaveCount(0);
  await form.locator('button[type=submit]').click();
  await expect(page.getByTestId('client-name')).toHaveText(`Ольга Кузнецова ${tag}`);
  await expect(page.getByTestId('client-phones')).toContainText(`+7 912 ${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`);
  await expect(page.getByTestId('client-consent')).toHaveText('✓');
  const url = page.url();

  // A second card with the same phone typed differently: flagged with a link to the first.
  await page.goto('/clients/new');
  await page.waitForSelector('body[data-ready]');
  await page.getByTestId('client-form').getByTestId('client-phone').first().fill(`+7912${digits}`);
  await expect(page.getByTestId('duplicate-phone')).toContainText(`Ольга Кузнецова ${tag}`);
  await page.getByTestId('duplicate-phone').locator('a').click();
  await expect(page).toHaveURL(url);

  // Found by a fragment of the number, as you type.
  await page.goto('/clients');
  await page.waitForSelector('body[data-ready]');
  await page.getByTestId('client-search').fill(digits.slice(1));
  await expect(page.getByTestId('client-hit')).toHaveCount(1);
  await page.getByTestId('client-hit').click();
  await expect(page.getByTestId('client-name')).toHaveText(`Ольга Кузнецова ${tag}`);

  // Edited: a second phone; a bad email is refused with a translated message.
  await page.getByTestId('edit-client').click();
  const edit = page.getByTestId('client-form');
  await edit.getByTestId('add-phone').click();
  await edit.getByTestId('client-phone').nth(1).fill('+7 495 111-22-33');
  await edit.locator('input[name=email]').fill('olga@');
  await edit.locator('button[type=submit]').click();
  await expect(edit.getByRole('alert')).toContainText('Email');
  await edit.locator('input[name=email]').fill('olga@mail.ru');
  await edit.locator('button[type=submit]').click();
  await expect(page.getByTestId('client-email')).toHaveText('olga@mail.ru');
  await expect(page.getByTestId('client-phones')).toContainText('+7 495 111-22-33');
});
