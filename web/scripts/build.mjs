// Build web/dist/ without a bundler:
//   dist/headease-widget.js   one self-contained file: socket.io-client (scoped, no
//                             global `io` leak) + the widget + its CSS as a string
//   dist/headease-widget.css  the stylesheet (fallback for browsers without
//                             constructable stylesheets)
//   dist/vendor/socket.io.min.js  for loading src/headease-widget.js unbundled
import { mkdir, readFile, writeFile, copyFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const web = path.resolve(here, '..');
const dist = path.join(web, 'dist');
const require = createRequire(import.meta.url);

const ioPath = path.join(path.dirname(require.resolve('socket.io-client/package.json')), 'dist', 'socket.io.min.js');
const ioPkg = JSON.parse(await readFile(require.resolve('socket.io-client/package.json'), 'utf8'));
const stripMap = (s) => s.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');

const ioSrc = stripMap(await readFile(ioPath, 'utf8'));
const widgetSrc = await readFile(path.join(web, 'src', 'headease-widget.js'), 'utf8');
const css = await readFile(path.join(web, 'src', 'headease-widget.css'), 'utf8');
const widgetPkg = JSON.parse(await readFile(path.join(web, 'package.json'), 'utf8'));

const bundle = `/*! HeadEase widget ${widgetPkg.version} (MIT) | bundles socket.io-client ${ioPkg.version} (MIT, (c) Guillermo Rauch and contributors) */
(function () {
var __HEADEASE_IO__ = (function () {
  var module = { exports: {} }, exports = module.exports, define;
${ioSrc}
  return module.exports;
})();
var __HEADEASE_CSS__ = ${JSON.stringify(css)};
${widgetSrc}
})();
`;

await rm(dist, { recursive: true, force: true });
await mkdir(path.join(dist, 'vendor'), { recursive: true });
await writeFile(path.join(dist, 'headease-widget.js'), bundle);
await copyFile(path.join(web, 'src', 'headease-widget.css'), path.join(dist, 'headease-widget.css'));
await writeFile(path.join(dist, 'vendor', 'socket.io.min.js'), ioSrc);
console.log(`built ${path.relative(process.cwd(), dist)}/headease-widget.js (${Math.round(bundle.length / 1024)} KiB, socket.io-client ${ioPkg.version})`);
