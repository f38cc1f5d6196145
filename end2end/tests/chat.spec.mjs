import { test, expect, signIn, liveSwitch } from './fixtures.mjs';

test('two colleagues chat live in a private chat; a mention raises the bell; hostile text stays inert', async ({ page, errors, openUser }, info) => {
  const tag = `${info.project.name}${Date.now() % 1000000}`;
  await signIn(page, 'seller1');
  const other = await openUser();
  await signIn(other, 'seller2');

  // seller1 opens a private chat with seller2.
  await page.goto('/chat');
  await page.getByTestId('new-chat').click();
  const form = page.getByTestId('members-form');
  await form.locator('input[name=title]').fill(`Склад ${tag}`);
  await form.locator('input[name=member][value=seller2]').check();
  await form.getByTestId('save-chat').click();
  await expect(page.getByTestId('chat-title')).toHaveText(`Склад ${tag}`);
  const chatUrl = page.url();

  // seller2 opens it (from the list, live) and sees the first message arrive without a reload.
  await other.goto('/chat');
  const link = other.getByTestId('chat-link').filter({ hasText: `Склад ${tag}` });
  await expect(link).toBeVisible();
  await link.click();
  await expect(other.getByTestId('chat-title')).toHaveText(`Склад ${tag}`);
  const composer = page.getByTestId('chat-composer').locator('textarea');
  await composer.fill(`Привет, есть ламинат ${tag}? https://example.com/laminat`);
  await composer.press('Enter');
  const arrived = other.getByTestId('message-body').filter({ hasText: `ламинат ${tag}` });
  await expect(arrived).toBeVisible();
  await expect(arrived.locator('a[href="https://example.com/laminat"]')).toHaveCount(1);
  // The answer comes back live too; the reply quotes the question.
  await other.getByTestId('message').filter({ hasText: `ламинат ${tag}` }).getByTestId('reply').click();
  await other.getByTestId('chat-composer').locator('textarea').fill('Есть, 12 упаковок');
  await other.getByTestId('chat-composer').getByTestId('send').click();
  await expect(page.getByTestId('message').filter({ hasText: 'Есть, 12 упаковок' }).locator('blockquote')).toContainText(`ламинат ${tag}`);

  // Hostile payloads are shown as text: no element, no script, no dialog.
  let dialogs = 0;
  other.on('dialog', (d) => { dialogs += 1; d.dismiss(); });
  const hostile = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> javascript:alert(1) ${tag}`;
  await composer.fill(hostile);
  await composer.press('Enter');
  const shown = other.getByTestId('message-body').filter({ hasText: `javascript:alert(1) ${tag}` });
  await expect(shown).toHaveText(hostile);
  await expect(shown.locator('img, script, a')).toHaveCount(0);
  expect(await other.evaluate(() => window.__pwned)).toBeUndefined();
  expect(dialogs).toBe(0);

  // A mention with autocompletion raises seller2's bell.
  await other.goto('/');
  await other.getByTestId('bell').click();
  await other.getByTestId('bell-read-all').click();
  await expect(other.getByTestId('bell-count')).toHaveCount(0);
  await other.getByTestId('bell').click();
  await page.goto(chatUrl);
  await composer.fill('Дмитрий, посмотри @sel');
  await page.getByTestId('mention-hits').getByRole('button', { name: /Дмитрий Кузнецов/ }).click();
  await expect(composer).toHaveValue('Дмитрий, посмотри @seller2 ');
  await composer.press('Enter');
  await expect(page.getByTestId('message-body').filter({ hasText: '@seller2' })).toBeVisible();
  await expect(other.getByTestId('bell-count')).toHaveText('1');
  await other.getByTestId('bell').click();
  await other.getByTestId('notification').filter({ hasText: 'You were mentioned' }).first().click();
  await expect(other).toHaveURL(chatUrl);
});

test('a comment on an order appears live on a colleague\'s open order card', async ({ page, errors, openUser, request }, info) => {
  const tag = `c${info.project.name}${Date.now() % 1000000}`;
  const login = await request.post('/api/v1/auth/login', { data: { login: 'admin', password: 'demo' } });
  const headers = { authorization: `Bearer ${(await login.json()).token}` };
  const product = await (await request.post('/api/v1/products', {
    headers, data: { sku: `E2E-COM-${tag}`, name: `Товар ${tag}`, unit: 'pcs', price: '100' },
  })).json();
  const locations = await (await request.get('/api/v1/locations', { headers })).json();
  const shop = locations.find((l) => l.name === 'Магазин «Тверская»');
  await request.post('/api/v1/stock/receipts', { headers, data: { location_id: shop.id, lines: [{ product_id: product.id, qty: '3' }] } });
  const order = await (await request.post('/api/v1/orders', {
    headers, data: { shop_id: shop.id, fulfilment: 'pickup', lines: [{ product_id: product.id, location_id: shop.id, qty: '1' }] },
  })).json();

  await signIn(page, 'seller1');
  await page.goto(`/orders/${order.id}`);
  await expect(page.getByTestId('comments')).toBeVisible();
  const director = await openUser();
  await signIn(director, 'director');
  await director.goto(`/orders/${order.id}`);
  const composer = director.getByTestId('comment-composer').locator('textarea');
  await composer.fill(`Клиент просил позвонить ${tag}`);
  await director.getByTestId('comment-composer').getByTestId('send').click();
  await expect(director.getByTestId('comment-body').filter({ hasText: tag })).toBeVisible();
  // seller1's open card shows it without a reload.
  await expect(page.getByTestId('comment-body').filter({ hasText: `Клиент просил позвонить ${tag}` })).toBeVisible();
  // The director edits it; the edit arrives too, marked as edited.
  await director.getByTestId('comment').filter({ hasText: tag }).getByTestId('edit-comment').click();
  await composer.fill(`Клиент просил позвонить после 18:00 ${tag}`);
  await composer.press('Enter');
  await expect(page.getByTestId('comment').filter({ hasText: `после 18:00 ${tag}` }).getByTestId('edited')).toBeVisible();
});

test('a chat catches up on what was said while its connection was down', async ({ page, errors, request }, info) => {
  const live = await liveSwitch(page);
  await signIn(page, 'seller2');
  await page.goto('/chat');
  await expect(page.getByTestId('live-status')).toHaveClass(/on/);
  await live.cut();
  await expect(page.getByTestId('live-status')).not.toHaveClass(/on/);
  // Meanwhile a colleague writes in the general chat.
  const login = await request.post('/api/v1/auth/login', { data: { login: 'seller4', password: 'demo' } });
  const headers = { authorization: `Bearer ${(await login.json()).token}` };
  const text = `Пока вас не было ${info.project.name} ${Date.now()}`;
  const posted = await request.post('/api/v1/chats/1/messages', { headers, data: { body: text } });
  expect(posted.status()).toBe(201);
  await page.waitForTimeout(300);
  await expect(page.getByTestId('message-body').filter({ hasText: text })).toHaveCount(0);
  // The connection comes back: the missed message appears without a reload.
  live.restore();
  await expect(page.getByTestId('live-status')).toHaveClass(/on/, { timeout: 15_000 });
  await expect(page.getByTestId('message-body').filter({ hasText: text })).toBeVisible();
});
