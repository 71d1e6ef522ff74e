// Writes <bundle dir>/licenses.txt: the licence of every package whose code ncc put into that
// bundle, read from ncc's webpack stats (`--stats-out`). ncc's own `--license` left out the
// packages of the entry chunk (@sigstore/*, @actions/core, re2js), so it is not used.
//   node script/licenses.js <stats.json> <bundle dir> [<stats.json> <bundle dir> …]
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(new URL('..', import.meta.url).pathname)
const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt))?$/i

/** Package directories (relative to the project) of every module in the stats, nested ones too. */
function packageDirs(stats) {
  const dirs = new Set()
  const walk = (modules = []) => {
    for (const m of modules) {
      const name = m.name ?? ''
      // The last node_modules segment names the package that holds the file.
      const found = [...name.matchAll(/(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/]+/g)].at(-1)
      if (found !== undefined)
        dirs.add(name.slice(0, found.index + found[0].length).replace(/^\.\//, ''))
      walk(m.modules)
    }
  }
  walk(stats.modules)
  return dirs
}

function entry(dir) {
  const full = path.join(root, dir)
  const pkg = JSON.parse(fs.readFileSync(path.join(full, 'package.json'), 'utf8'))
  const file = fs
    .readdirSync(full)
    .sort()
    .find((f) => LICENSE_FILE.test(f))
  const text =
    file === undefined
      ? '(the package has no licence file)'
      : fs.readFileSync(path.join(full, file), 'utf8').trim()
  return {
    name: pkg.name,
    text: `${pkg.name} ${pkg.version}\n${pkg.license ?? 'UNKNOWN'}\n${text}\n`,
  }
}

const args = process.argv.slice(2)
if (args.length === 0 || args.length % 2 !== 0) {
  console.error('usage: node script/licenses.js <stats.json> <bundle dir> [...]')
  process.exit(2)
}
for (let i = 0; i < args.length; i += 2) {
  const stats = JSON.parse(fs.readFileSync(args[i], 'utf8'))
  const entries = [...packageDirs(stats)].map(entry)
  // One entry per package name and version, in name order, so a rebuild changes nothing.
  const unique = [...new Map(entries.map((e) => [e.text, e])).values()]
  unique.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.text < b.text ? -1 : 1))
  fs.writeFileSync(path.join(args[i + 1], 'licenses.txt'), unique.map((e) => e.text).join('\n'))
}
