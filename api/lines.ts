/**
 * Newline-delimited text (Docker's event stream, NDJSON) arrives in chunks that cut lines anywhere:
 * feed the chunks to the returned function and `onLine` gets each complete, non-empty line, trimmed.
 */
export function lineSplitter(onLine: (line: string) => void): (chunk: Buffer | string) => void {
  let buffered = '';
  return (chunk) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) onLine(line);
    }
  };
}
