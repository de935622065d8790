package dev.beamllm.tool.prefab;

/** How the SQL query tool shows rows to the model. */
public enum RowFormat {
  /**
   * A header of column names, then one line per row, cells separated by {@code " | "}, {@code NULL}
   * for null; line breaks and {@code |} in values escaped. The most rows per token.
   */
  TABLE,
  /**
   * One JSON object per row, keys the column names; numbers and booleans as JSON numbers and
   * booleans, everything else as strings.
   */
  JSON_LINES
}
