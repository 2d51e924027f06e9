import { TfaiError } from '@tfai/core';

/** A CSV file with no header, or a header and no rows. */
export class EmptyCsvError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'EmptyCsvError';
  constructor(
    /** The CSV file (or the data frame's `source`) that is empty. */
    readonly file: string,
    /** What is wrong: no header at all (`'the file is empty'`), or a header and no rows. */
    readonly reason = 'the file is empty',
  ) {
    super(`${file}: ${reason}`);
  }
}

/** A column named in the options (`catNames`, `contNames`, `yNames`, `validCol`…) that the data does not have. */
export class MissingColumnError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'MissingColumnError';
  constructor(
    /** The CSV file (or the data frame's `source`) lacking the column. */
    readonly file: string,
    /** The column asked for. */
    readonly column: string,
    /** The columns the data does have, in header order. */
    readonly available: readonly string[],
  ) {
    super(`${file}: no column "${column}" (columns: ${available.map((c) => `"${c}"`).join(', ')})`);
  }
}

/** A value that is not a number in a column used as a number (a continuous variable, a regression target). */
export class NonNumericValueError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'NonNumericValueError';
  constructor(
    /** The CSV file (or the data frame's `source`) holding the value. */
    readonly file: string,
    /** The column read as numbers. */
    readonly column: string,
    /** 1-based data row (the header is not counted). */
    readonly row: number,
    /** The offending cell, as written. */
    readonly value: string,
  ) {
    super(`${file}: column "${column}", row ${row}: ${JSON.stringify(value)} is not a number`);
  }
}

/** A row whose number of fields differs from the header's, or a CSV syntax error. */
export class CsvFormatError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'CsvFormatError';
  constructor(
    /** The malformed CSV file. */
    readonly file: string,
    /** 1-based data row (the header is not counted). */
    readonly row: number,
    reason: string,
  ) {
    super(`${file}: row ${row}: ${reason}`);
  }
}

/** A target value the model cannot be trained or validated on (missing, or a class never seen in training). */
export class InvalidTargetError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'InvalidTargetError';
  constructor(
    /** The CSV file (or the data frame's `source`) holding the target. */
    readonly file: string,
    /** The target column. */
    readonly column: string,
    /** 1-based data row (the header is not counted). */
    readonly row: number,
    reason: string,
  ) {
    super(`${file}: target column "${column}", row ${row}: ${reason}`);
  }
}

/** Options that contradict each other or the data (overlapping column lists, a split that is empty…). */
export class TabularOptionsError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'TabularOptionsError';
}

/**
 * A categorical column with more distinct values than an embedding table should hold (an ID column read as a
 * category): refused before the table is built, naming the column and the count.
 * @example
 * ```ts
 * try { tabularLearner(dls); } catch (e) { if (e instanceof HighCardinalityError) console.error(e.column, e.count); }
 * ```
 */
export class HighCardinalityError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'HighCardinalityError';
  constructor(
    /** The categorical column. */
    readonly column: string,
    /** Its number of distinct values, `#na#` included. */
    readonly count: number,
    /** The most values an embedding is built for (`maxCardinality`). */
    readonly limit: number,
  ) {
    super(
      `categorical column "${column}" has ${count} distinct values (${'#na#'} included), more than the ${limit} an embedding is built for: drop it, make it continuous, or raise maxCardinality`,
    );
  }
}

/** A user or item (or any class) looked up by name that is not in the training vocab. */
export class UnknownCategoryError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'UnknownCategoryError';
  constructor(
    /** The column whose vocab was searched (the user or item column, for collab). */
    readonly column: string,
    /** The name that is not in the vocab. */
    readonly value: string,
  ) {
    super(
      `column "${column}": ${JSON.stringify(value)} is not in the training data (if it is in the source, the split may have put all of its rows in the validation set)`,
    );
  }
}

/**
 * A continuous value that is not finite (`1e999`, which reads as Infinity): pandas reads it as `inf`, and
 * fastai's Normalize would then turn every value of the column into NaN; we refuse it, naming file, column, row.
 */
export class NonFiniteValueError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'NonFiniteValueError';
  constructor(
    /** The CSV file (or the data frame's `source`) holding the value. */
    readonly file: string,
    /** The continuous column. */
    readonly column: string,
    /** 1-based data row (the header is not counted). */
    readonly row: number,
    /** The value read (`Infinity` or `-Infinity`). */
    readonly value: number,
  ) {
    super(
      `${file}: column "${column}", row ${row}: ${value} is not a finite number (continuous values must be finite; write it as empty or NA if it is missing)`,
    );
  }
}

/** A column used for training whose values are all missing (over the training rows): nothing to learn or fill from. */
export class AllMissingError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'AllMissingError';
  constructor(
    /** The CSV file (or the data frame's `source`) holding the column. */
    readonly file: string,
    /** The column with no value. */
    readonly column: string,
    where: string,
  ) {
    super(`${file}: column "${column}" has no values ${where} (every cell is empty or NA); drop it or fill it`);
  }
}
