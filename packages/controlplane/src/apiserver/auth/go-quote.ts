/**
 * Go's %q for the strings Kubernetes puts in its messages (names, paths): a double-quoted string
 * with backslash escapes. JSON's escaping agrees with Go's for printable text, which is what
 * user names, resources and paths are.
 */
export function goQuote(value: string): string {
  return JSON.stringify(value);
}
