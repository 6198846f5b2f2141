namespace ExpertPool.Domain.Experts.Csv;

/// <summary>The columns of the expert CSV file (see docs/csv-format.md).</summary>
public enum ExpertCsvField
{
    Id,
    Name,
    IdNumber,
    Gender,
    EmployerName,
    EmployerCreditCode,
    Title,
    TitleGrade,
    SpecialtyCodes,
    RegionCode,
    Email,
    Phone,
    PreferredLanguage,
    JoinChannel,
    TermStart,
    TermEnd,
    Status,
}

/// <summary>One column: its English header (also the field name <see cref="ExpertDraft"/> reports errors under), its Chinese header, and whether an import needs it.</summary>
public sealed record ExpertCsvColumn(ExpertCsvField Field, string English, string Chinese, bool RequiredOnImport, bool FreeText = false);

/// <summary>The one documented column set shared by import and export.</summary>
public static class ExpertCsvColumns
{
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>Separators accepted between specialty codes; the export writes ';'.</summary>
    public static readonly char[] SpecialtySeparators = [';', '；', '|'];

    /// <summary>All columns in export order. <c>id</c> is written by the export and ignored by the import.</summary>
    public static readonly IReadOnlyList<ExpertCsvColumn> All =
    [
        new(ExpertCsvField.Id, "id", "编号", false),
        new(ExpertCsvField.Name, "name", "姓名", true, FreeText: true),
        new(ExpertCsvField.IdNumber, "idNumber", "身份证号", true),
        new(ExpertCsvField.Gender, "gender", "性别", false),
        new(ExpertCsvField.EmployerName, "employerName", "工作单位", false, FreeText: true),
        new(ExpertCsvField.EmployerCreditCode, "employerCreditCode", "统一社会信用代码", true),
        new(ExpertCsvField.Title, "title", "职称", true, FreeText: true),
        new(ExpertCsvField.TitleGrade, "titleGrade", "职称级别", true),
        new(ExpertCsvField.SpecialtyCodes, "specialtyCodes", "专业代码", true),
        new(ExpertCsvField.RegionCode, "regionCode", "行政区划代码", true),
        new(ExpertCsvField.Email, "email", "邮箱", true, FreeText: true),
        new(ExpertCsvField.Phone, "phone", "电话", true),
        new(ExpertCsvField.PreferredLanguage, "preferredLanguage", "语言", false),
        new(ExpertCsvField.JoinChannel, "joinChannel", "入库方式", false),
        new(ExpertCsvField.TermStart, "termStart", "聘期开始", false),
        new(ExpertCsvField.TermEnd, "termEnd", "聘期结束", false),
        new(ExpertCsvField.Status, "status", "状态", false),
    ];

    /// <summary>Finds a column by its English or Chinese header, trimmed and ignoring case.</summary>
    public static ExpertCsvColumn? Find(string? header)
    {
        var h = header?.Trim() ?? "";
        foreach (var c in All)
        {
            if (string.Equals(c.English, h, StringComparison.OrdinalIgnoreCase) || string.Equals(c.Chinese, h, StringComparison.Ordinal))
                return c;
        }
        return null;
    }

    /// <summary>Join channel labels for the Chinese export, accepted on import alongside the enum names.</summary>
    internal static readonly IReadOnlyDictionary<string, JoinChannel> JoinChannelNames = new Dictionary<string, JoinChannel>(StringComparer.OrdinalIgnoreCase)
    {
        ["SelfApplication"] = JoinChannel.SelfApplication,
        ["个人申请"] = JoinChannel.SelfApplication,
        ["EmployerRecommendation"] = JoinChannel.EmployerRecommendation,
        ["单位推荐"] = JoinChannel.EmployerRecommendation,
    };

    /// <summary>
    /// Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection). The export puts an apostrophe
    /// in front of free-text cells that start with one; the import removes exactly that apostrophe again, so a file round-trips.
    /// </summary>
    internal static bool StartsLikeFormula(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    internal static string GuardFormula(string value) => StartsLikeFormula(value) ? "'" + value : value;

    internal static string UnguardFormula(string value) =>
        value.Length > 1 && value[0] == '\'' && StartsLikeFormula(value[1..]) ? value[1..] : value;
}
