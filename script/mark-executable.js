// ncc drops the shebang's executable bit; the CLI binary needs it.
import fs from 'node:fs'

fs.chmodSync(new URL('../dist/cli/index.js', import.meta.url), 0o755)
