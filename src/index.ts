// The action's entrypoint (ncc builds dist/index.js from here): wiring only.
import { runAction } from './action.js'

await runAction()
