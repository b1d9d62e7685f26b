// Front-end build: `npm run build` (from frontend/).
//
//  1. Compiles scss/app.scss -> ../static/css/app.css (compressed), then checks
//     that the output contains no GDS Transport font and no @font-face.
//  2. Copies govuk-frontend.min.js -> ../static/govuk/govuk-frontend.min.js
//     (without its sourceMappingURL comment; the map is not shipped).
//  3. Copies only the non-branding GOV.UK Frontend images. In govuk-frontend
//     6.x every file under dist/govuk/assets is either a font or GOV.UK/crown
//     branding (favicons, crest, govuk-* icons, manifest.json), so nothing is
//     copied – the filter is kept so a future version cannot slip a logo in.
//
// The built files under static/ are committed; the app never needs npm.

import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..')
const govukDist = join(here, 'node_modules', 'govuk-frontend', 'dist', 'govuk')
const staticDir = join(root, 'static')

function fail (message) {
  console.error(`build: ${message}`)
  process.exit(1)
}

// 1. CSS ---------------------------------------------------------------------
const cssOut = join(staticDir, 'css', 'app.css')
const result = sass.compile(join(here, 'scss', 'app.scss'), {
  style: 'compressed',
  sourceMap: false,
  importers: [new sass.NodePackageImporter(here)],
  // Deprecation noise from GOV.UK Frontend itself is not actionable here.
  quietDeps: true
})
const css = result.css
if (/GDS Transport/i.test(css)) fail('compiled CSS mentions "GDS Transport"')
if (/@font-face/i.test(css)) fail('compiled CSS contains @font-face')
if (/\.woff2?\b/i.test(css)) fail('compiled CSS references web font files')
mkdirSync(dirname(cssOut), { recursive: true })
writeFileSync(cssOut, css + '\n')
console.log(`build: ${relative(root, cssOut)} (${Buffer.byteLength(css)} bytes)`)

// 2. JS ----------------------------------------------------------------------
const govukOut = join(staticDir, 'govuk')
mkdirSync(govukOut, { recursive: true })
// The source map is not shipped, so drop its comment: Django's
// ManifestStaticFilesStorage (collectstatic) fails on a sourceMappingURL that
// points at a missing file.
const js = readFileSync(join(govukDist, 'govuk-frontend.min.js'), 'utf8')
  .replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n')
writeFileSync(join(govukOut, 'govuk-frontend.min.js'), js)
console.log(`build: ${relative(root, join(govukOut, 'govuk-frontend.min.js'))}`)

// 3. Assets (non-branding images only) ----------------------------------------
const isBranding = (rel) => {
  const name = rel.split('/').pop().toLowerCase()
  return (
    rel.startsWith('fonts/') || // GDS Transport – never
    rel.split('/').includes('rebrand') ||
    name === 'manifest.json' ||
    name.startsWith('favicon') ||
    name.startsWith('govuk-') ||
    name.includes('crown') ||
    name.includes('crest') ||
    name.includes('logo') ||
    name.includes('opengraph')
  )
}

function walk (dir) {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry)
    return statSync(full).isDirectory() ? walk(full) : [full]
  })
}

const assetsSrc = join(govukDist, 'assets')
const assetsOut = join(govukOut, 'assets')
rmSync(assetsOut, { recursive: true, force: true }) // never leave stale logos behind
const keep = walk(assetsSrc)
  .map((full) => relative(assetsSrc, full).split('\\').join('/'))
  .filter((rel) => !isBranding(rel))
for (const rel of keep) {
  const dest = join(assetsOut, rel)
  mkdirSync(dirname(dest), { recursive: true })
  copyFileSync(join(assetsSrc, rel), dest)
  console.log(`build: static/govuk/assets/${rel}`)
}
if (keep.length === 0) console.log('build: no GOV.UK assets copied (all are fonts or branding)')
