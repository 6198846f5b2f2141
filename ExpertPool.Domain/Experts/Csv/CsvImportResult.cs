namespace ExpertPool.Domain.Experts.Csv;

/// <summary>
/// Outcome of a CSV import. Either every row was imported (<see cref="Errors"/> empty) or none was,
/// and <see cref="Errors"/> lists every problem found, ordered by line.
/// </summary>
public sealed record CsvImportResult(int ImportedCount, int RowCount, IReadOnlyList<CsvImportError> Errors)
{
    public bool Succeeded => Errors.Count == 0;

    internal static CsvImportResult Failed(IReadOnlyList<CsvImportError> errors, int rowCount = 0) => new(0, rowCount, errors);
}

/// <summary>
/// One problem in the file. <see cref="Line"/> is the physical line (header = 1), or null when the problem concerns the
/// whole file (empty, too large). <see cref="Column"/> is the header as written in the file, or null when the problem
/// concerns the whole line or file.
/// </summary>
public sealed record CsvImportError(int? Line, string? Column, string Reason);
