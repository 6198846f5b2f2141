using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using CsvHelper;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Organisations;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Specialties;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Domain.Experts.Csv;

/// <summary>
/// Imports experts from a CSV file, all or nothing: every row is checked (format, references, duplicates in the file
/// and in the database) before anything is written, and one bad row means nothing is imported and every bad row is reported.
/// </summary>
public sealed class ExpertCsvImporter(ExpertPoolDbContext db, TimeProvider clock)
{
    public const int MaxRows = 50_000;
    public const int MaxBytes = 32 * 1024 * 1024;
    private const int MaxLineBytes = 64 * 1024;
    private const int SaveBatchSize = 1_000;
    private const int QueryChunkSize = 500;

    /// <summary>
    /// <see cref="RegistryLookup"/> loads every employer of the file in one query, and EF Core 10 sends one SQL parameter
    /// per credit code (SQLite allows 32,766); well above any real file, and a clear error instead of a failed query.
    /// </summary>
    public const int MaxDistinctEmployers = 20_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public async Task<CsvImportResult> ImportAsync(Stream csv, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);

        var bytes = await ReadLimitedAsync(csv, ct);
        if (bytes is null)
            return CsvImportResult.Failed([new(null, null, $"文件超过 {MaxBytes / 1024 / 1024} MB，请拆分后导入 / the file is larger than {MaxBytes / 1024 / 1024} MB; split it")]);
        var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        var content = bytes.AsMemory(start);
        if (CheckUtf8(content.Span) is { } encodingError)
            return CsvImportResult.Failed([encodingError]);
        if (content.Span.IndexOfAnyExcept(" \t\r\n"u8) < 0)
            return CsvImportResult.Failed([new(null, null, "文件为空 / the file is empty")]);

        var parsed = Parse(content);
        if (parsed.FileErrors.Count > 0)
            return CsvImportResult.Failed(parsed.FileErrors, parsed.Rows.Count);
        if (parsed.Rows.Count == 0)
            return CsvImportResult.Failed([new(1, null, "文件只有表头，没有数据 / the file has a header but no data rows")]);

        var errors = parsed.RowErrors;
        var rows = parsed.Rows.Where(r => r.Draft is not null).ToList();
        var now = clock.GetUtcNow().UtcDateTime;
        await ResolveReferencesAsync(rows, parsed.Header, errors, now, ct);
        CheckDuplicatesInFile(rows, parsed.Header, errors);
        await CheckDuplicatesInDatabaseAsync(rows, parsed.Header, errors, ct);

        if (errors.Count > 0)
            return CsvImportResult.Failed([.. errors.OrderBy(e => e.Line).ThenBy(e => parsed.Header.Order(e.Column))], parsed.Rows.Count);

        await InsertAsync(rows, actor, now, ct);
        await DatabaseStatistics.RefreshAsync(db, ct);
        return new CsvImportResult(rows.Count, parsed.Rows.Count, []);
    }

    private static async Task<byte[]?> ReadLimitedAsync(Stream csv, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(81_920);
        try
        {
            int read;
            while ((read = await csv.ReadAsync(chunk.AsMemory(), ct)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                    return null;
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    /// <summary>Rejects bytes that are not UTF-8 (a file saved as GBK, for instance), naming the line of the first bad byte.</summary>
    private static CsvImportError? CheckUtf8(ReadOnlySpan<byte> content)
    {
        try
        {
            _ = StrictUtf8.GetCharCount(content);
            return null;
        }
        catch (DecoderFallbackException)
        {
            var offset = FirstInvalidUtf8Offset(content);
            var line = content[..offset].Count((byte)'\n') + 1;
            return new CsvImportError(line, null,
                "文件不是 UTF-8 编码（可能是 GBK），请另存为“CSV UTF-8”格式 / the file is not valid UTF-8 (saved as GBK/ANSI?); save it as \"CSV UTF-8\"");
        }
    }

    private static int FirstInvalidUtf8Offset(ReadOnlySpan<byte> content)
    {
        Span<char> scratch = stackalloc char[1024];
        var offset = 0;
        while (offset < content.Length)
        {
            var status = Utf8.ToUtf16(content[offset..], scratch, out var read, out _, replaceInvalidSequences: false, isFinalBlock: true);
            if (status is System.Buffers.OperationStatus.InvalidData or System.Buffers.OperationStatus.NeedMoreData)
                return offset + read;
            offset += read;
            if (status == System.Buffers.OperationStatus.Done)
                break;
        }
        return Math.Min(offset, content.Length);
    }

    private static ParsedFile Parse(ReadOnlyMemory<byte> content)
    {
        var malformed = new Dictionary<long, CsvHelper.CsvMalformedReason>();
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            HasHeader = true,
            TrackLineNumbers = true,
            // Every line break ends a record: one unbalanced quote spoils its own line only, and every other row is still checked.
            AllowLineBreaksInQuotes = false,
            SkipEmptyLines = true,
            DetectSeparatorHint = false,
            MaxRecordSize = MaxLineBytes,
            MalformedData = CsvHelper.CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvHelper.CsvFieldCountHandling.Allow,
            OnMalformedRecord = m => malformed.TryAdd(m.LineNumber, m.Reason),
        };
        var file = new ParsedFile();
        using var reader = CsvReader.Create(content, options);
        try
        {
            reader.ReadHeader();
            file.Header = CsvHeader.Match(reader.Headers, file.FileErrors);
            if (file.FileErrors.Count > 0)
                return file;
            while (reader.Read())
            {
                if (file.Rows.Count == MaxRows)
                {
                    file.FileErrors.Add(new(null, null, $"超过 {MaxRows} 行，请拆分后导入 / the file has more than {MaxRows} rows; split it"));
                    return file;
                }
                var line = checked((int)reader.LineNumber);
                var row = new CsvRow(line);
                file.Rows.Add(row);
                if (malformed.Remove(line, out var reason))
                {
                    file.RowErrors.Add(new(line, null, Describe(reason)));
                    continue;
                }
                if (reader.FieldCount != file.Header.Count)
                {
                    file.RowErrors.Add(new(line, null,
                        $"字段数 {reader.FieldCount} 与表头列数 {file.Header.Count} 不一致 / has {reader.FieldCount} fields but the header has {file.Header.Count} (a stray comma or quote?)"));
                    continue;
                }
                ReadRow(reader, file.Header, row, file.RowErrors);
            }
        }
        catch (CsvFormatException ex)
        {
            // Only the record size limit ends the parse (an unreadable line longer than MaxLineBytes).
            file.FileErrors.Add(new(ex.LineNumber > 0 ? (int)ex.LineNumber : null, null,
                $"有一行超过 {MaxLineBytes / 1024} KB，文件格式不正确 / a line is longer than {MaxLineBytes / 1024} KB; the file is not a valid expert CSV"));
            return file;
        }
        foreach (var (line, reason) in malformed)
            file.RowErrors.Add(new((int)line, null, Describe(reason)));
        return file;
    }

    private static string Describe(CsvHelper.CsvMalformedReason reason) => reason switch
    {
        CsvHelper.CsvMalformedReason.FieldCountMismatch => "字段数与表头不一致 / has a different number of fields than the header",
        _ => $"CSV 格式错误：引号不匹配 / malformed CSV: unbalanced or stray quote ({reason})",
    };

    private static void ReadRow(CsvReader reader, CsvHeader header, CsvRow row, List<CsvImportError> errors)
    {
        var rowErrors = errors.Count;
        string? Get(ExpertCsvField field)
        {
            if (header.IndexOf(field) is not { } i)
                return null;
            var value = reader.GetString(i);
            if (header.Columns[i].FreeText)
                value = ExpertCsvColumns.UnguardFormula(value);
            return value;
        }

        DateOnly? Date(ExpertCsvField field)
        {
            var v = Get(field)?.Trim();
            if (string.IsNullOrEmpty(v))
                return null;
            if (DateOnly.TryParseExact(v, ["yyyy-MM-dd", "yyyy-M-d", "yyyy/M/d"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                return d;
            errors.Add(new(row.Line, header.WrittenName(field), "日期格式应为 yyyy-MM-dd / must be a date like 2026-01-31"));
            return null;
        }

        var joinChannel = Get(ExpertCsvField.JoinChannel)?.Trim();
        if (!string.IsNullOrEmpty(joinChannel) && ExpertCsvColumns.JoinChannelNames.TryGetValue(joinChannel, out var channel))
            joinChannel = channel.ToString();

        var status = Get(ExpertCsvField.Status)?.Trim();
        row.Status = ExpertStatus.Applied;
        if (!string.IsNullOrEmpty(status) && !ExpertVocabulary.StatusNames.TryGetValue(status, out row.Status))
            errors.Add(new(row.Line, header.WrittenName(ExpertCsvField.Status), "须为 申请中/Applied、在库/Active、暂停/Suspended、出库/Removed 或 退出/Retired / must be Applied, Active, Suspended, Removed or Retired"));

        var input = new ExpertInput
        {
            Name = Get(ExpertCsvField.Name),
            IdNumber = Get(ExpertCsvField.IdNumber),
            Gender = Get(ExpertCsvField.Gender),
            EmployerName = Get(ExpertCsvField.EmployerName),
            EmployerCreditCode = Get(ExpertCsvField.EmployerCreditCode),
            Title = Get(ExpertCsvField.Title),
            TitleGrade = Get(ExpertCsvField.TitleGrade),
            SpecialtyCodes = (Get(ExpertCsvField.SpecialtyCodes) ?? "").Split(ExpertCsvColumns.SpecialtySeparators, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            RegionCode = Get(ExpertCsvField.RegionCode),
            Email = Get(ExpertCsvField.Email),
            Phone = Get(ExpertCsvField.Phone),
            PreferredLanguage = Get(ExpertCsvField.PreferredLanguage),
            JoinChannel = joinChannel,
            TermStart = Date(ExpertCsvField.TermStart),
            TermEnd = Date(ExpertCsvField.TermEnd),
        };

        var fieldErrors = new Dictionary<string, List<string>>();
        var draft = ExpertDraft.TryCreate(input, fieldErrors);
        foreach (var (field, reasons) in fieldErrors)
        {
            foreach (var reason in reasons)
                errors.Add(new(row.Line, header.WrittenName(field), reason));
        }
        row.Draft = errors.Count == rowErrors ? draft : null;
    }

    /// <summary>Specialties, region and employer for every row, from one lookup loaded for the whole file.</summary>
    private async Task ResolveReferencesAsync(List<CsvRow> rows, CsvHeader header, List<CsvImportError> errors, DateTime now, CancellationToken ct)
    {
        if (rows.Count == 0)
            return;
        if (rows.Select(r => r.Draft!.EmployerCreditCode).Distinct().Count() > MaxDistinctEmployers)
        {
            errors.Add(new(null, header.WrittenName(ExpertCsvField.EmployerCreditCode),
                $"单位数量超过 {MaxDistinctEmployers}，请拆分后导入 / the file names more than {MaxDistinctEmployers} different employers; split it"));
            return;
        }
        var lookup = await RegistryLookup.LoadForAsync(db, [.. rows.Select(r => r.Draft!)], ct);
        foreach (var row in rows)
        {
            var fieldErrors = new Dictionary<string, List<string>>();
            var (employer, specialties) = lookup.Resolve(row.Draft!, fieldErrors, now);
            foreach (var (field, reasons) in fieldErrors)
            {
                foreach (var reason in reasons)
                    errors.Add(new(row.Line, header.WrittenName(field), reason));
            }
            row.Employer = employer;
            row.Specialties = specialties;
        }
    }

    private static void CheckDuplicatesInFile(List<CsvRow> rows, CsvHeader header, List<CsvImportError> errors)
    {
        var idNumbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var emails = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!idNumbers.TryAdd(row.Draft!.IdNumber, row.Line))
                errors.Add(new(row.Line, header.WrittenName(ExpertCsvField.IdNumber), $"与第 {idNumbers[row.Draft.IdNumber]} 行身份证号重复 / the same ID number is on line {idNumbers[row.Draft.IdNumber]}"));
            var email = Expert.NormalizeEmail(row.Draft.Email);
            if (!emails.TryAdd(email, row.Line))
                errors.Add(new(row.Line, header.WrittenName(ExpertCsvField.Email), $"与第 {emails[email]} 行邮箱重复 / the same email is on line {emails[email]}"));
        }
    }

    /// <summary>ID numbers and emails already in the pool, queried in chunks so no query has thousands of parameters.</summary>
    private async Task CheckDuplicatesInDatabaseAsync(List<CsvRow> rows, CsvHeader header, List<CsvImportError> errors, CancellationToken ct)
    {
        var byIdNumber = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var byEmail = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var chunk in rows.Select(r => r.Draft!.IdNumber).Distinct().Chunk(QueryChunkSize))
        {
            foreach (var e in await db.Experts.AsNoTracking().Where(e => chunk.Contains(e.IdNumber)).Select(e => new { e.Id, e.IdNumber }).ToListAsync(ct))
                byIdNumber[e.IdNumber] = e.Id;
        }
        foreach (var chunk in rows.Select(r => Expert.NormalizeEmail(r.Draft!.Email)).Distinct().Chunk(QueryChunkSize))
        {
            foreach (var e in await db.Experts.AsNoTracking().Where(e => chunk.Contains(e.NormalizedEmail)).Select(e => new { e.Id, e.NormalizedEmail }).ToListAsync(ct))
                byEmail[e.NormalizedEmail] = e.Id;
        }
        if (byIdNumber.Count == 0 && byEmail.Count == 0)
            return;
        foreach (var row in rows)
        {
            if (byIdNumber.TryGetValue(row.Draft!.IdNumber, out var id))
                errors.Add(new(row.Line, header.WrittenName(ExpertCsvField.IdNumber), $"身份证号已存在（专家 {id}） / expert {id} already has this ID number"));
            if (byEmail.TryGetValue(Expert.NormalizeEmail(row.Draft.Email), out id))
                errors.Add(new(row.Line, header.WrittenName(ExpertCsvField.Email), $"邮箱已存在（专家 {id}） / expert {id} already has this email"));
        }
    }

    private async Task InsertAsync(List<CsvRow> rows, string actor, DateTime now, CancellationToken ct)
    {
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var employers = rows.Select(r => r.Employer!).Distinct().ToList();
            var newEmployers = employers.Where(o => db.Entry(o).State == EntityState.Detached).ToList();
            if (newEmployers.Count > 0)
            {
                db.Organisations.AddRange(newEmployers);
                db.OrganisationChanges.AddRange(newEmployers.Select(o => OrganisationChange.Of(o, OrganisationChangeKind.Created, actor, now)));
                await db.SaveChangesAsync(ct);
            }
            db.ChangeTracker.Clear();

            foreach (var batch in rows.Chunk(SaveBatchSize))
            {
                // Employers exist by now: track them as unchanged so adding an expert does not insert its employer again.
                db.Organisations.AttachRange(batch.Select(r => r.Employer!).Distinct());
                foreach (var row in batch)
                    db.Experts.Add(Expert.Create(row.Draft!, row.Employer!, row.Specialties, actor, now, row.Status));
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsClash(ex))
        {
            db.ChangeTracker.Clear();
            // A unique index caught what the checks could not see: a record saved at the same time.
            throw new DomainConflictException("导入期间数据发生冲突，未导入任何数据 / The file clashes with records saved at the same time (duplicate ID number, email or credit code); nothing was imported.", ex);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    private sealed class ParsedFile
    {
        public CsvHeader Header { get; set; } = CsvHeader.Empty;
        public List<CsvRow> Rows { get; } = [];
        public List<CsvImportError> FileErrors { get; } = [];
        public List<CsvImportError> RowErrors { get; } = [];
    }

    private sealed class CsvRow(int line)
    {
        public int Line { get; } = line;
        public ExpertDraft? Draft { get; set; }
        public ExpertStatus Status;
        public Organisation? Employer { get; set; }
        public IReadOnlyList<Specialty> Specialties { get; set; } = [];
    }

    /// <summary>The header of the file: which column each position holds and how the file spells it.</summary>
    private sealed class CsvHeader
    {
        public static readonly CsvHeader Empty = new([], []);

        private readonly Dictionary<ExpertCsvField, int> _index;

        private CsvHeader(ExpertCsvColumn[] columns, string[] written)
        {
            Columns = columns;
            Written = written;
            _index = [];
            for (var i = 0; i < columns.Length; i++)
                _index[columns[i].Field] = i;
        }

        public ExpertCsvColumn[] Columns { get; }
        public string[] Written { get; }
        public int Count => Columns.Length;

        public int? IndexOf(ExpertCsvField field) => _index.TryGetValue(field, out var i) ? i : null;

        /// <summary>The header as the file writes it; for a column the file lacks, its English name.</summary>
        public string WrittenName(ExpertCsvField field) => IndexOf(field) is { } i ? Written[i] : ExpertCsvColumns.All.First(c => c.Field == field).English;

        /// <summary>Maps an <see cref="ExpertDraft"/> error key ("idNumber", "email", "termEnd") to the header as written.</summary>
        public string WrittenName(string draftField) =>
            ExpertCsvColumns.All.FirstOrDefault(c => c.English == draftField) is { } c ? WrittenName(c.Field) : draftField;

        public int Order(string? written) => written is null ? -1 : Array.IndexOf(Written, written);

        public static CsvHeader Match(IReadOnlyList<string> headers, List<CsvImportError> errors)
        {
            if (headers.Count == 0 || headers.All(string.IsNullOrWhiteSpace))
            {
                errors.Add(new(1, null, "第一行必须是表头 / the first line must be the header"));
                return Empty;
            }
            var columns = new ExpertCsvColumn[headers.Count];
            var written = new string[headers.Count];
            var seen = new Dictionary<ExpertCsvField, string>();
            for (var i = 0; i < headers.Count; i++)
            {
                written[i] = headers[i].Trim();
                var column = ExpertCsvColumns.Find(headers[i]);
                if (column is null)
                {
                    errors.Add(new(1, written[i].Length == 0 ? $"#{i + 1}" : written[i], written[i].Length == 0
                        ? $"第 {i + 1} 列缺少表头 / column {i + 1} has no header"
                        : "未知的列 / unknown column; see docs/csv-format.md for the columns"));
                    continue;
                }
                if (!seen.TryAdd(column.Field, written[i]))
                {
                    errors.Add(new(1, written[i], $"列重复（另见“{seen[column.Field]}”） / the column appears twice (also as '{seen[column.Field]}')"));
                    continue;
                }
                columns[i] = column;
            }
            var missing = ExpertCsvColumns.All.Where(c => c.RequiredOnImport && !seen.ContainsKey(c.Field)).ToList();
            if (missing.Count > 0)
            {
                errors.Add(new(1, null,
                    $"缺少必填列：{string.Join("、", missing.Select(c => c.Chinese))} / missing required columns: {string.Join(", ", missing.Select(c => $"{c.English}/{c.Chinese}"))}"));
            }
            return errors.Count > 0 ? Empty : new CsvHeader(columns, written);
        }
    }
}
