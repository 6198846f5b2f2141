using System.Text.RegularExpressions;
using ExpertPool.Domain.Common;

namespace ExpertPool.Domain.Regions;

/// <summary>An administrative division (GB/T 2260 six-digit code): a province or a city under it.</summary>
public sealed partial class Region
{
    public const int NameMax = 100;

    private Region()
    {
    }

    public string Code { get; private set; } = "";
    public string NameZh { get; private set; } = "";
    public string NameEn { get; private set; } = "";
    public string? ParentCode { get; private set; }

    [GeneratedRegex("^[0-9]{6}$")]
    private static partial Regex CodePattern();

    public static Region Create(string? code, string? nameZh, string? nameEn, Region? parent)
    {
        var errors = new Dictionary<string, string[]>();
        var c = code?.Trim() ?? "";
        if (!CodePattern().IsMatch(c))
            errors["code"] = ["必须为6位行政区划代码 / must be a 6-digit administrative division code"];
        var zh = nameZh?.Trim() ?? "";
        var en = nameEn?.Trim() ?? "";
        if (zh.Length is 0 or > NameMax)
            errors["nameZh"] = [$"必填，不超过 {NameMax} 个字符 / is required, at most {NameMax} characters"];
        else if (Guard.TextProblem(zh, singleLine: true) is { } zhProblem)
            errors["nameZh"] = [zhProblem];
        if (en.Length is 0 or > NameMax)
            errors["nameEn"] = [$"必填，不超过 {NameMax} 个字符 / is required, at most {NameMax} characters"];
        else if (Guard.TextProblem(en, singleLine: true) is { } enProblem)
            errors["nameEn"] = [enProblem];
        if (parent?.ParentCode is not null)
            errors["parentCode"] = ["区划只有省、市两级 / regions have two levels: province and city"];
        if (errors.Count > 0)
            throw new DomainValidationException(errors);
        return new Region { Code = c, NameZh = zh, NameEn = en, ParentCode = parent?.Code };
    }
}
