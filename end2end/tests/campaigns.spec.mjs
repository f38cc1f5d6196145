import { test, expect, signIn, openNav } from './fixtures.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What the test SMTP server (serve-test-app.sh) received so far. */
function mailbox() {
  const port = process.env.VITRINA_E2E_PORT || '3100';
  const file = fs.readFileSync(path.join(process.env.TMPDIR || os.tmpdir(), `vitrina-e2e-${port}.mail`), 'utf8').trim();
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

test('an admin writes a template, previews it on a client, sends a test, builds a segment and sends a campaign to the end', async ({ page, errors }, info) => {
  const tag = `${info.project.name}${Date.now() % 1000000}`;
  await signIn(page, 'admin');
  // Three clients who agreed to mail (the demo's few are used by its own campaigns).
  for (const n of [1, 2, 3]) {
    const res = await page.request.post('/api/v1/clients', {
      data: { name: `Подписчик ${n} ${tag}`, phones: [], email: `sub${n}-${tag}@example.ru`, consent: true },
    });
    expect(res.status()).toBe(201);
  }
  await openNav(page);
  await page.locator('a.nav-link[href="/campaigns"]').click();
  await expect(page.getByTestId('campaigns')).toBeVisible();
  // The demo's finished campaigns are listed with their numbers.
  await expect(page.getByTestId('campaign-row').first()).toBeVisible();

  // A template, previewed live as it is typed, on a sample and then on a real client.
  await page.getByTestId('mail-templates').click();
  await page.getByTestId('new-template').click();
  const form = page.getByTestId('template-form');
  await form.getByTestId('template-name').fill(`Скидки ${tag}`);
  await form.getByTestId('template-subject').fill('{{ client.name }}, скидки недели');
  await form.getByTestId('template-text').fill('Здравствуйте, {{ client.name }}! Ваш баланс: {{ balance }}.');
  await expect(page.getByTestId('preview-subject')).toHaveText('Иван Петров, скидки недели');
  await form.getByTestId('preview-client-search').fill(`Подписчик 1 ${tag}`);
  const option = form.getByTestId('preview-client').locator('option').nth(1);
  await expect(option).toBeAttached();
  const clientName = (await option.textContent()).trim();
  await form.getByTestId('preview-client').selectOption({ index: 1 });
  await expect(page.getByTestId('preview-subject')).toHaveText(`${clientName}, скидки недели`);
  await expect(page.getByTestId('preview-text')).toContainText('/unsubscribe/');

  // A test to oneself goes through the real SMTP server.
  const before = mailbox().length;
  await form.getByTestId('test-to').fill(`me-${tag}@example.ru`);
  await form.getByTestId('send-test').click();
  await expect(page.getByTestId('test-sent')).toContainText('250');
  expect(mailbox().slice(before).some((m) => m.to.includes(`me-${tag}@example.ru`))).toBe(true);
  await form.getByTestId('save-template').click();
  await expect(page.getByTestId('templates')).toContainText(`Скидки ${tag}`);

  // A segment: the count follows the builder.
  await page.getByTestId('new-campaign').click();
  const everyone = page.getByTestId('segment-reachable');
  await expect(everyone).toHaveText(/^\d+$/);
  const all = Number(await everyone.textContent());
  expect(all).toBeGreaterThan(0);
  await page.getByTestId('segment-min-spent').fill('100000000');
  await expect(page.getByTestId('segment-reachable')).toHaveText('0');
  await page.getByTestId('segment-min-spent').fill('');
  await expect(page.getByTestId('segment-reachable')).toHaveText(String(all));
  await page.getByTestId('campaign-name-input').fill(`Рассылка ${tag}`);
  await page.getByTestId('campaign-template').selectOption({ label: `Скидки ${tag}` });
  await page.getByTestId('save-campaign').click();
  await expect(page.getByTestId('campaign-name')).toHaveText(`Рассылка ${tag}`);
  await expect(page.getByTestId('campaign-status')).toHaveAttribute('data-status', 'draft');

  // Started: the progress runs to the end on its own.
  page.once('dialog', (d) => d.accept());
  const sentBefore = mailbox().length;
  await page.getByTestId('start').click();
  await expect(page.getByTestId('campaign-status')).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });
  const progress = page.getByTestId('progress');
  await expect(progress).toHaveAttribute('data-total', String(all));
  await expect(progress).toHaveAttribute('data-done', String(all));
  await expect(page.getByTestId('count-sent')).toHaveText(String(all));
  await expect(page.getByTestId('recipient')).toHaveCount(Math.min(all, 100));
  const received = mailbox().slice(sentBefore);
  expect(received.length).toBe(all);
  expect(received.some((m) => m.to.includes(`sub1-${tag}@example.ru`))).toBe(true);
  expect(received.every((m) => m.data.includes('List-Unsubscribe-Post: List-Unsubscribe=One-Click'))).toBe(true);
});
