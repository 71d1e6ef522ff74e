/** A FROM line that cannot be expanded, or a Dockerfile the gate cannot read as BuildKit would. */
export class ExpandError extends Error {}

/**
 * One the gate does not expand (its own bounds, a form it does not read) where BuildKit may:
 * never taken for a frontend that fails the build.
 */
export class BeyondGate extends ExpandError {}
