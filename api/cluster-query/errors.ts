/** The one error the cluster query language raises: an expression that does not parse. */
export class ClusterQuerySyntaxError extends Error {
  override readonly name = 'ClusterQuerySyntaxError';
  /** Retrying cannot help: the expression itself must change. */
  readonly retriable = false;

  /**
   * @param expression the whole expression, quoted in the message
   * @param column 1-based; one past the end when the expression ended too soon
   * @param problem what was wrong, e.g. `expected a value`
   * @param found the text at `column`, if any, e.g. `"foo"`
   */
  constructor(
    readonly expression: string,
    readonly column: number,
    readonly problem: string,
    readonly found?: string,
  ) {
    super(
      `memberOf expression ${JSON.stringify(expression)}: ${problem} at column ${column}` + (found === undefined ? '' : `, found ${JSON.stringify(found)}`),
    );
  }
}
