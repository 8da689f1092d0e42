// Shapes of jsonb columns. They live beside the tables so the schema needs nothing from the modules above it.

export interface Band {
  key: string;
  label: string;
  color: string;
}

/** `cells[likelihood - 1][consequence - 1]` is the key of a band in `bands`. */
export interface RiskMatrix {
  bands: Band[];
  cells: string[][];
}
