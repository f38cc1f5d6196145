import { test, expect, signIn } from './fixtures.mjs';
import net from 'node:net';

/** A fake Asterisk on loopback: the AMI banner, a login, and every action it receives. */
function fakeAsterisk() {
  const actions = [];
  const server = net.createServer((socket) => {
    socket.write('Asterisk Call Manager/7.0.3\r\n');
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      let end;
      while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
        const action = buffer.slice(0, end);
        buffer = buffer.slice(end + 4);
        actions.push(action);
        const id = (action.match(/ActionID: (.*)/) || [])[1] || '';
        const message = action.includes('Action: Login') ? 'Authentication accepted' : 'Originate successfully queued';
        socket.write(`Response: Success\r\nActionID: ${id}\r\nMessage: ${message}\r\n\r\n`);
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, actions, port: server.address().port })));
}

async function serverFn(request, name, args) {
  const res = await request.post(`/api/${name}`, { data: args });
  expect(res.status(), `${name}: ${await res.text()}`).toBe(200);
  return res.json();
}

test('a call to extension 101 pops the card in seller1\'s browser only, lands in the client\'s log, and click-to-call asks the PBX to ring 101', async ({ page, openUser, errors }, info) => {
  const tag = `${info.project.name}${Date.now() % 1000000}`;
  const digits = String(Date.now()).slice(-7);
  const phone = `7916${digits}`;
  const ami = await fakeAsterisk();
  try {
    // The admin points Vitrina at the PBX and sets the webhook token.
    await signIn(page, 'admin');
    await serverFn(page.request, 'telephony/save_settings', { input: {
      connector: 'ami', ami_host: '127.0.0.1', ami_port: ami.port, ami_user: 'vitrina', ami_secret: 's3cret',
      ami_context: 'from-internal', webhook_token: 'e2e-t0ken' } });
    await expect.poll(async () => (await serverFn(page.request, 'telephony/settings', {})).ami_state, { timeout: 20_000 }).toBe('connected');
    const client = await (await page.request.post('/api/v1/clients', { data: { name: `Звонящий ${tag}`, phones: [phone] } })).json();

    // seller1 (extension 101) and seller2 (102), each on another screen.
    await page.goto('/logout');
    await signIn(page, 'seller1');
    await page.goto('/stock');
    const other = await openUser();
    await signIn(other, 'seller2');
    await other.goto('/orders');

    // The live channel is up.
    await expect(page.getByTestId('live-status')).toHaveClass(/on/);
    await page.waitForTimeout(300);
    const event = (body) => page.request.post('/api/v1/telephony/events', {
      headers: { authorization: 'Bearer e2e-t0ken' }, data: { call_id: `e2e-${tag}`, direction: 'in', from: `8${phone.slice(1)}`, extension: '101', ...body } });
    const sent = Date.now();
    expect((await event({ event: 'ringing' })).status()).toBe(200);
    const popup = page.getByTestId('call-popup');
    await expect(popup).toBeVisible({ timeout: 3_000 });
    console.log(`pop-up shown ${Date.now() - sent} ms after the event`);
    await expect(popup.getByTestId('call-client')).toHaveText(`Звонящий ${tag}`);
    await expect(other.getByTestId('call-popup')).toHaveCount(0);

    // Answered, then hung up 42 seconds later: the call is in the client's log.
    const at = Date.now();
    expect((await event({ event: 'answered', at })).status()).toBe(200);
    expect((await event({ event: 'hangup', at: at + 42_000 })).status()).toBe(200);
    await popup.getByTestId('call-open-card').click();
    await expect(page.getByTestId('client-name')).toHaveText(`Звонящий ${tag}`);
    const row = page.getByTestId('linked-calls').getByTestId('call-row').first();
    await expect(row).toHaveAttribute('data-result', 'completed');
    await expect(row.getByTestId('call-duration')).toContainText('42');
    await page.getByTestId('call-close').click();
    await expect(popup).toHaveCount(0);

    // Click-to-call beside the number: Originate for extension 101 and this number.
    await page.getByTestId('client-phones').getByTestId('call-button').first().click();
    await expect(page.getByTestId('calling')).toBeVisible();
    const originate = ami.actions.find((a) => a.includes('Action: Originate'));
    expect(originate).toContain('Channel: PJSIP/101');
    expect(originate).toContain(`Exten: ${phone}`);
    expect(client.id).toBeGreaterThan(0);
  } finally {
    ami.server.close();
  }
});
