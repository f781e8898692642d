// Screenshot the built page (DIST, default dist/) at a hash after training a few seconds:
// `node scripts/shot.mjs OUT.png '#v=1&…' [seconds] [webgpu]`. For looking at the page as a user.
import { serve, launch } from '../tests/browser/harness.mjs';
import path from 'node:path';

const [out, hash = '', secs = '4', gpu = '1'] = process.argv.slice(2);
const server = await serve(path.resolve(process.env.DIST || 'dist'));
const browser = await launch(gpu === '1');
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(`http://127.0.0.1:${server.address().port}/${hash}`);
await page.waitForSelector('#play', { timeout: 60000 });
await page.click('#play');
await page.waitForTimeout(Number(secs) * 1000);
await page.screenshot({ path: out, fullPage: true });
await browser.close();
server.close();
