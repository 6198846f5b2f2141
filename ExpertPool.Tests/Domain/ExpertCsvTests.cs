using System.Diagnostics;
using System.Globalization;
using System.Text;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Experts.Csv;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Regions;
using ExpertPool.Domain.Specialties;
using ExpertPool.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Domain;

public sealed class ExpertCsvTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string ZhHeader = "姓名,身份证号,性别,工作单位,统一社会信用代码,职称,职称级别,专业代码,行政区划代码,邮箱,电话,语言,聘期开始,聘期结束";
    private const string EnHeader = "name,idNumber,gender,employerName,employerCreditCode,title,titleGrade,specialtyCodes,regionCode,email,phone,preferredLanguage,termStart,termEnd";
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private readonly TestClock _clock = new();
    private TestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await SeedReferenceDataAsync(_db);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Import_WithChineseHeaderAndBom_ImportsAllRowsAsApplied()
    {
        var csv = Csv(ZhHeader, bom: true,
            Row(1, name: "张伟", specialties: "QM01；EL"),
            Row(2, name: "李娜", specialties: "QM|QM01"),
            Row(3, name: "王芳"));

        var result = await ImportAsync(_db, csv);

        result.Errors.Should().BeEmpty();
        result.ImportedCount.Should().Be(3);
        await using var ctx = _db.CreateContext();
        var experts = await ctx.Experts.Include(e => e.Specialties).ThenInclude(s => s.Specialty).Include(e => e.StatusHistory).Include(e => e.Employer).ToListAsync();
        experts.Select(e => e.Name).Should().BeEquivalentTo(["张伟", "李娜", "王芳"]);
        experts.Should().OnlyContain(e => e.Status == ExpertStatus.Applied);
        experts.SelectMany(e => e.StatusHistory).Should().OnlyContain(h => h.Actor == "admin@test" && h.ToStatus == ExpertStatus.Applied);
        experts.Single(e => e.Name == "张伟").Specialties.Select(s => s.Specialty!.Code).Should().BeEquivalentTo(["QM01", "EL"]);
        experts.Single(e => e.Name == "李娜").Specialties.Select(s => s.Specialty!.Code).Should().BeEquivalentTo(["QM", "QM01"]);
        experts.Single(e => e.Name == "张伟").Employer!.Name.Should().Be("单位1");
        (await ctx.Organisations.CountAsync()).Should().Be(3);
    }

    [Fact]
    public async Task Import_WithEnglishHeaderWithoutBom_ImportsAllRows()
    {
        var csv = Csv(EnHeader, bom: false, Row(1), Row(2));

        var result = await ImportAsync(_db, csv);

        result.Errors.Should().BeEmpty();
        result.ImportedCount.Should().Be(2);
        result.RowCount.Should().Be(2);
    }

    [Fact]
    public async Task Import_WithMixedCaseMixedLanguageHeaderInAnyOrder_MatchesColumns()
    {
        const string header = " EMAIL ,姓名,IdNumber,统一社会信用代码,工作单位,Title,职称级别,SPECIALTYCODES,行政区划代码,电话";
        var csv = Csv(header, bom: true, "zhang@example.com,张伟,"
            + $"{IdNumber(1)},{CreditCode(1)},单位1,高级工程师,正高级,QM,330100,13800000001");

        var result = await ImportAsync(_db, csv);

        result.Errors.Should().BeEmpty();
        await using var ctx = _db.CreateContext();
        var expert = await ctx.Experts.SingleAsync();
        expert.Email.Should().Be("zhang@example.com");
        expert.TitleGrade.Should().Be(TitleGrade.FullSenior);
    }

    [Fact]
    public async Task Import_WhenAnyRowIsInvalid_WritesNothingAndReportsEveryRow()
    {
        var badId = IdNumber(2)[..17] + (IdNumber(2)[17] == '1' ? '2' : '1');
        var csv = Csv(ZhHeader, bom: true,
            Row(1, email: "same@example.com"),          // line 2
            Row(2, idNumber: badId),                    // line 3: bad check digit
            Row(3),                                     // line 4
            Row(4, specialties: "QM;NOPE"),             // line 5: unknown specialty
            Row(5, email: "SAME@example.com"));         // line 6: same email as line 2

        var result = await ImportAsync(_db, csv);

        result.Succeeded.Should().BeFalse();
        result.ImportedCount.Should().Be(0);
        result.Errors.Select(e => (e.Line, e.Column)).Should().Equal((3, "身份证号"), (5, "专业代码"), (6, "邮箱"));
        result.Errors[0].Reason.Should().Contain("check character");
        result.Errors[1].Reason.Should().Contain("NOPE");
        result.Errors[2].Reason.Should().Contain("line 2");
        await using var ctx = _db.CreateContext();
        (await ctx.Experts.CountAsync()).Should().Be(0);
        (await ctx.Organisations.CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Import_WhenExpertAlreadyExists_ReportsTheExistingExpertAndDoesNotMerge()
    {
        (await ImportAsync(_db, Csv(EnHeader, bom: false, Row(1, name: "原名")))).Succeeded.Should().BeTrue();
        Guid existingId;
        await using (var ctx = _db.CreateContext())
            existingId = await ctx.Experts.Select(e => e.Id).SingleAsync();

        var result = await ImportAsync(_db, Csv(EnHeader, bom: false, Row(1, name: "新名", email: "other@example.com"), Row(2)));

        result.ImportedCount.Should().Be(0);
        result.Errors.Should().ContainSingle().Which.Should().Match<CsvImportError>(e => e.Line == 2 && e.Column == "idNumber" && e.Reason.Contains(existingId.ToString()));
        await using var check = _db.CreateContext();
        (await check.Experts.CountAsync()).Should().Be(1);
        (await check.Experts.SingleAsync()).Name.Should().Be("原名");
    }

    [Fact]
    public async Task Import_WhenFileIsNotUtf8_RejectsItNamingTheLine()
    {
        var head = Encoding.UTF8.GetBytes(EnHeader + "\r\n" + Row(1) + "\r\n");
        byte[] gbkName = [0xD5, 0xC5, 0xCE, 0xB0]; // 张伟 in GBK
        var bad = Encoding.UTF8.GetBytes(Row(2, name: "X")).ToList();
        bad.InsertRange(0, gbkName);
        var bytes = head.Concat(bad).ToArray();

        var result = await ImportAsync(_db, bytes);

        result.Errors.Should().ContainSingle().Which.Should().Match<CsvImportError>(e => e.Line == 3 && e.Reason.Contains("UTF-8"));
        await using var ctx = _db.CreateContext();
        (await ctx.Experts.CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Import_WhenColumnsAreMissingOrUnknown_ReportsThemOnTheHeaderLine()
    {
        var result = await ImportAsync(_db, Csv("姓名,身份证号,邮箱,nickname", bom: true, "a,b,c,d"));

        result.Errors.Should().HaveCount(2);
        result.Errors.Should().Contain(e => e.Line == 1 && e.Column == "nickname" && e.Reason.Contains("unknown column"));
        var missing = result.Errors.Single(e => e.Column == null);
        missing.Line.Should().Be(1);
        missing.Reason.Should().ContainAll("employerCreditCode", "title", "titleGrade", "specialtyCodes", "regionCode", "phone", "行政区划代码");
    }

    [Fact]
    public async Task Import_WhenLinesAreMalformed_ReportsThemAsRowErrorsAndChecksTheOtherRows()
    {
        var badQuote = Row(2).Replace("单位2", "\"单位2", StringComparison.Ordinal);
        var csv = Csv(EnHeader, bom: false,
            Row(1),                                     // line 2
            badQuote,                                   // line 3: unbalanced quote
            Row(3) + ",extra",                          // line 4: one field too many
            Row(4, email: "not-an-email"));             // line 5: still checked

        var result = await ImportAsync(_db, csv);

        result.Errors.Select(e => e.Line).Should().Equal(3, 4, 5);
        result.Errors[0].Reason.Should().Contain("quote");
        result.Errors[1].Reason.Should().Contain("fields");
        result.Errors[2].Column.Should().Be("email");
    }

    [Fact]
    public async Task Import_WithQuotedCommasAndBlankLines_KeepsPhysicalLineNumbers()
    {
        var csv = EnHeader + "\n\n" + Row(1, name: "\"Zhang, Wei\"") + "\n\n" + Row(2, idNumber: "123") + "\n";

        var result = await ImportAsync(_db, Encoding.UTF8.GetBytes(csv));

        result.Errors.Should().ContainSingle().Which.Line.Should().Be(5);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r\n  \r\n")]
    [InlineData(EnHeader + "\r\n")]
    public async Task Import_WhenFileIsEmptyOrHeaderOnly_ReportsAClearError(string content)
    {
        var result = await ImportAsync(_db, Bom.Concat(Encoding.UTF8.GetBytes(content)).ToArray());

        result.Errors.Should().ContainSingle().Which.Reason.Should().MatchRegex("empty|no data rows");
    }

    [Fact]
    public async Task Import_WithStatusColumn_UsesItAndDefaultsToApplied()
    {
        var csv = Csv(EnHeader + ",status", bom: false, Row(1) + ",在库", Row(2) + ",");

        var result = await ImportAsync(_db, csv);

        result.Errors.Should().BeEmpty();
        await using var ctx = _db.CreateContext();
        (await ctx.Experts.OrderBy(e => e.Email).Select(e => e.Status).ToListAsync()).Should().Equal(ExpertStatus.Active, ExpertStatus.Applied);
    }

    [Fact]
    public async Task ImportExportImport_WithPersonalData_RoundTripsEveryFieldExactly()
    {
        var csv = Csv(ZhHeader, bom: true,
            Row(1, name: "张伟🙂 Zhang", employer: "杭州市质量技术监督检测院 (Hangzhou)", title: "高级工程师 / Senior Engineer", specialties: "QM01;EL", start: "2026-01-01", end: "2028-12-31"),
            Row(2, name: "Ольга Müller 李", employer: "\"=HYPERLINK(\"\"http://x\"\")\"", title: "-教授", email: "+tag@example.com", phone: "+86 138-0000-0002"),
            Row(3, name: "@王芳", lang: "en"));
        (await ImportAsync(_db, csv)).Errors.Should().BeEmpty();

        var first = await ExportAsync(_db, includePersonalData: true, "zh");
        first.Should().Contain("'=HYPERLINK").And.Contain(",'-教授,").And.Contain(",'@王芳,").And.Contain(",+86 138-0000-0002,");

        await using var empty = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await SeedReferenceDataAsync(empty);
        var reimport = await ImportAsync(empty, Bom.Concat(Encoding.UTF8.GetBytes(first)).ToArray());
        reimport.Errors.Should().BeEmpty();
        reimport.ImportedCount.Should().Be(3);

        var original = await SnapshotAsync(_db);
        var copy = await SnapshotAsync(empty);
        copy.Should().BeEquivalentTo(original);
        copy.Select(s => s.Name).Should().Contain(["张伟🙂 Zhang", "Ольга Müller 李", "@王芳"]);
        copy.Select(s => s.Employer).Should().Contain("=HYPERLINK(\"http://x\")");
        (await ExportAsync(empty, true, "zh")).Split('\n').Select(l => l[(l.IndexOf(',', StringComparison.Ordinal) + 1)..]).Order()
            .Should().Equal(first.Split('\n').Select(l => l[(l.IndexOf(',', StringComparison.Ordinal) + 1)..]).Order());
    }

    [Fact]
    public async Task Export_ByDefault_MasksIdNumbersPhonesAndEmails()
    {
        (await ImportAsync(_db, Csv(EnHeader, bom: false, Row(1)))).Errors.Should().BeEmpty();

        var bytes = await ExportBytesAsync(_db, includePersonalData: false, "en");

        bytes.Take(3).Should().Equal(Bom);
        var text = Encoding.UTF8.GetString(bytes.AsSpan(3));
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("id,name,idNumber,gender,employerName,employerCreditCode,title,titleGrade,specialtyCodes,regionCode,email,phone,preferredLanguage,joinChannel,termStart,termEnd,status");
        text.Should().NotContain(IdNumber(1)).And.NotContain("13800000001").And.NotContain("expert1@example.com");
        text.Should().Contain(ChineseIdNumber.Mask(IdNumber(1))).And.Contain(PersonalData.MaskPhone("13800000001")).And.Contain(PersonalData.MaskEmail("expert1@example.com"));
    }

    [Fact]
    public async Task Export_WithPersonalData_WritesThemInFullWithChineseHeader()
    {
        (await ImportAsync(_db, Csv(EnHeader, bom: false, Row(1)))).Errors.Should().BeEmpty();

        var text = await ExportAsync(_db, includePersonalData: true, "zh");

        text.Should().StartWith("编号,姓名,身份证号,性别,工作单位,统一社会信用代码,职称,职称级别,专业代码,行政区划代码,邮箱,电话,语言,入库方式,聘期开始,聘期结束,状态\r\n");
        text.Should().Contain(IdNumber(1)).And.Contain("13800000001").And.Contain("expert1@example.com").And.Contain("申请中");
    }

    [Fact]
    public async Task Export_ToAStreamThatForbidsSynchronousWrites_WritesOnlyAsynchronously()
    {
        (await ImportAsync(_db, Csv(EnHeader, bom: false, Row(1), Row(2)))).Errors.Should().BeEmpty();
        await using var ctx = _db.CreateContext();
        using var stream = new AsyncOnlyStream();

        await new ExpertCsvExporter().WriteAsync(ctx.Experts, stream, includePersonalData: false, "en", CancellationToken.None);

        Encoding.UTF8.GetString(stream.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(3);
    }

    [Fact]
    public async Task Import_TenThousandRows_ImportsAll()
    {
        const int count = 10_000;
        var sb = new StringBuilder(ZhHeader).Append("\r\n");
        for (var i = 1; i <= count; i++)
            sb.Append(Row(i, employerNumber: i % 500, specialties: i % 3 == 0 ? "QM01;EL" : "QM")).Append("\r\n");
        var bytes = Bom.Concat(Encoding.UTF8.GetBytes(sb.ToString())).ToArray();

        var watch = Stopwatch.StartNew();
        var result = await ImportAsync(_db, bytes);
        watch.Stop();
        output.WriteLine($"Imported {result.ImportedCount} rows in {watch.ElapsedMilliseconds} ms");

        result.Errors.Should().BeEmpty();
        result.ImportedCount.Should().Be(count);
        await using var ctx = _db.CreateContext();
        (await ctx.Experts.CountAsync()).Should().Be(count);
        (await ctx.ExpertSpecialties.CountAsync()).Should().Be(count + count / 3);
        (await ctx.ExpertStatusChanges.CountAsync()).Should().Be(count);
        (await ctx.Organisations.CountAsync()).Should().Be(500);
    }

    [Fact]
    public async Task Import_WithMoreRowsThanTheLimit_RejectsTheFile()
    {
        var sb = new StringBuilder(EnHeader).Append('\n');
        for (var i = 0; i <= ExpertCsvImporter.MaxRows; i++)
            sb.Append("a,b,c,d,e,f,g,h,i,j,k,l,m,n\n");

        var result = await ImportAsync(_db, Encoding.UTF8.GetBytes(sb.ToString()));

        result.Errors.Should().ContainSingle().Which.Reason.Should().Contain("more than 50000 rows");
    }

    // ---- helpers ----

    /// <summary>Like an ASP.NET Core response body with AllowSynchronousIO off: only asynchronous writes are allowed.</summary>
    private sealed class AsyncOnlyStream : Stream
    {
        private readonly MemoryStream _inner = new();

        public byte[] ToArray() => _inner.ToArray();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous write");
        public override void Write(ReadOnlySpan<byte> buffer) => throw new InvalidOperationException("Synchronous write");
        public override void Flush() => throw new InvalidOperationException("Synchronous flush");
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.WriteAsync(buffer, offset, count, cancellationToken);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _inner.WriteAsync(buffer, cancellationToken);
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _inner.Dispose();
            base.Dispose(disposing);
        }
    }

    private async Task<CsvImportResult> ImportAsync(TestDatabase db, byte[] bytes)
    {
        await using var ctx = db.CreateContext();
        using var stream = new MemoryStream(bytes);
        return await new ExpertCsvImporter(ctx, _clock).ImportAsync(stream, "admin@test", CancellationToken.None);
    }

    private static async Task<byte[]> ExportBytesAsync(TestDatabase db, bool includePersonalData, string language)
    {
        await using var ctx = db.CreateContext();
        using var stream = new MemoryStream();
        await new ExpertCsvExporter().WriteAsync(ctx.Experts, stream, includePersonalData, language, CancellationToken.None);
        return stream.ToArray();
    }

    private static async Task<string> ExportAsync(TestDatabase db, bool includePersonalData, string language)
    {
        var bytes = await ExportBytesAsync(db, includePersonalData, language);
        bytes.Take(3).Should().Equal(Bom);
        return Encoding.UTF8.GetString(bytes.AsSpan(3));
    }

    private sealed record Snapshot(string Name, string IdNumber, Gender Gender, int BirthYear, string Employer, string CreditCode, string Title, TitleGrade Grade,
        string Specialties, string Region, string Email, string Phone, string Language, JoinChannel Channel, DateOnly? TermStart, DateOnly? TermEnd, ExpertStatus Status);

    private static async Task<List<Snapshot>> SnapshotAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        var experts = await ctx.Experts.AsNoTracking().Include(e => e.Employer).Include(e => e.Specialties).ThenInclude(s => s.Specialty).ToListAsync();
        return [.. experts.Select(e => new Snapshot(e.Name, e.IdNumber, e.Gender, e.BirthYear, e.Employer!.Name, e.Employer.CreditCode, e.Title, e.TitleGrade,
            string.Join(';', e.Specialties.Select(s => s.Specialty!.Code).Order(StringComparer.Ordinal)), e.RegionCode, e.Email, e.Phone, e.PreferredLanguage,
            e.JoinChannel, e.TermStart, e.TermEnd, e.Status)).OrderBy(s => s.IdNumber, StringComparer.Ordinal)];
    }

    private static async Task SeedReferenceDataAsync(TestDatabase db)
    {
        await using var ctx = db.CreateContext();
        var qm = Specialty.Create("QM", "质量管理", "Quality management", null);
        ctx.Specialties.AddRange(qm, Specialty.Create("QM01", "质量体系", "Quality systems", qm), Specialty.Create("EL", "电气", "Electrical", null));
        var zj = Region.Create("330000", "浙江省", "Zhejiang", null);
        ctx.Regions.AddRange(zj, Region.Create("330100", "杭州市", "Hangzhou", zj));
        await ctx.SaveChangesAsync();
    }

    private static byte[] Csv(string header, bool bom, params string[] rows)
    {
        var text = header + "\r\n" + string.Join("\r\n", rows) + "\r\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        return bom ? [.. Bom, .. bytes] : bytes;
    }

    /// <summary>A valid row in the column order of <see cref="ZhHeader"/>/<see cref="EnHeader"/>; each argument replaces one cell as written.</summary>
    private static string Row(int i, string? name = null, string? idNumber = null, int? employerNumber = null, string? employer = null, string? title = null,
        string? specialties = null, string? email = null, string? phone = null, string? lang = null, string? start = null, string? end = null)
    {
        var org = employerNumber ?? i;
        return string.Join(',',
            name ?? $"专家{i}",
            idNumber ?? IdNumber(i),
            "",
            employer ?? $"单位{org}",
            CreditCode(org),
            title ?? "高级工程师",
            "副高级",
            specialties ?? "QM",
            "330100",
            email ?? $"expert{i}@example.com",
            phone ?? $"138{i:D8}",
            lang ?? "zh-CN",
            start ?? "",
            end ?? "");
    }

    private static string IdNumber(int i)
    {
        var first17 = "330102" + new DateOnly(1960, 1, 1).AddDays(i).ToString("yyyyMMdd", CultureInfo.InvariantCulture) + (i % 1000).ToString("D3", CultureInfo.InvariantCulture);
        return first17 + ChineseIdNumber.CheckCharacter(first17);
    }

    private static string CreditCode(int i)
    {
        var first17 = "91330100MA" + i.ToString("D7", CultureInfo.InvariantCulture);
        return first17 + UnifiedSocialCreditCode.CheckCharacter(first17);
    }
}
