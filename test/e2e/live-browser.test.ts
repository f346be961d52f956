/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { speechRecording } from '../support/audio-fixtures';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

describe('the /live page in a real browser', () => {
  let api: ApiHarness;
  let browser: Browser;
  let key: string;

  beforeAll(async () => {
    api = await startApiHarness();
    ({ key } = await api.tenant());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        // A microphone that "hears" a recording, and no permission prompt.
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${await speechRecording(15, 'wav')}`,
        '--autoplay-policy=no-user-gesture-required',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('speaks into /live and shows the captions on a second page, as a viewer', async () => {
    const speakerPage = await browser.newPage();
    const pageErrors: string[] = [];
    speakerPage.on('pageerror', (error) => pageErrors.push(error.message));
    // The key goes into the form, never into the URL.
    await speakerPage.goto(`${api.baseUrl}/live/?role=speaker&lang=en`);
    await speakerPage.fill('#token', key);
    await speakerPage.click('#start');
    await speakerPage.waitForSelector('body[data-session]', { timeout: 20_000 });
    const sessionId = await speakerPage.getAttribute('body', 'data-session');
    expect(sessionId).toMatch(/^live_/);
    expect(speakerPage.url()).not.toContain(key);

    // The speaker's page shares a link carrying a viewer token for this one session, not the key.
    await speakerPage.waitForSelector('#share-link[href*="vvt_"]', { timeout: 10_000 });
    const viewerLink = (await speakerPage.getAttribute('#share-link', 'href'))!;
    expect(viewerLink).not.toContain(key);
    expect(new URL(viewerLink).hash).toMatch(new RegExp(`session=${sessionId}&token=vvt_`));
    const viewerPage = await browser.newPage();
    await viewerPage.goto(viewerLink);
    await viewerPage.waitForFunction(() => document.querySelectorAll('#finals p').length >= 2, undefined, {
      timeout: 60_000,
    });
    const lines = await viewerPage.$$eval('#finals p', (paragraphs) => paragraphs.map((p) => p.textContent ?? ''));
    expect(lines.every((line) => line.trim().length > 0)).toBe(true);
    expect(await viewerPage.textContent('#status')).toMatch(new RegExp(`Watching ${sessionId}`));

    // The speaker's page shows its own captions too.
    expect(await speakerPage.$$eval('#finals p', (paragraphs) => paragraphs.length)).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);

    mkdirSync(ARTIFACTS, { recursive: true });
    await viewerPage.screenshot({ path: join(ARTIFACTS, 'live-captions-viewer.png'), fullPage: true });
    await speakerPage.screenshot({ path: join(ARTIFACTS, 'live-captions-speaker.png'), fullPage: true });
    await speakerPage.click('#stop');
  });
});
