/** A FROM line that cannot be expanded; the message is the reason shown to the user. */
export class ExpandError extends Error {}
