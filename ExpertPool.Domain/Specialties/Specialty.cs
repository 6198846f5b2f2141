using System.Text.RegularExpressions;
using ExpertPool.Domain.Common;

namespace ExpertPool.Domain.Specialties;

/// <summary>A node of the multi-level specialty tree. <see cref="Path"/> holds the codes from the root ("/QM/QM01/") so a subtree is one prefix match.</summary>
public sealed partial class Specialty
{
    public const int NameMax = 100;

    private Specialty()
    {
    }

    public int Id { get; private set; }
    public string Code { get; private set; } = "";
    public string NameZh { get; private set; } = "";
    public string NameEn { get; private set; } = "";
    public int? ParentId { get; private set; }
    public Specialty? Parent { get; private set; }
    public string Path { get; private set; } = "";
    public int Depth { get; private set; }

    [GeneratedRegex("^[A-Z0-9][A-Z0-9._-]{0,31}$")]
    private static partial Regex CodePattern();

    public static Specialty Create(string? code, string? nameZh, string? nameEn, Specialty? parent)
    {
        var errors = new Dictionary<string, string[]>();
        var c = code?.Trim().ToUpperInvariant() ?? "";
        if (!CodePattern().IsMatch(c))
            errors["code"] = ["代码格式不正确 / must be 1-32 characters of A-Z, 0-9, '.', '-' or '_'"];
        var (zh, en) = CheckNames(nameZh, nameEn, errors);
        if (parent is not null && parent.Depth >= 5)
            errors["parentCode"] = ["专业树最多6级 / the tree is at most 6 levels deep"];
        if (errors.Count > 0)
            throw new DomainValidationException(errors);
        return new Specialty
        {
            Code = c,
            NameZh = zh,
            NameEn = en,
            Parent = parent,
            ParentId = parent?.Id,
            Path = (parent?.Path ?? "/") + c + "/",
            Depth = parent is null ? 0 : parent.Depth + 1,
        };
    }

    public void Rename(string? nameZh, string? nameEn)
    {
        var errors = new Dictionary<string, string[]>();
        var (zh, en) = CheckNames(nameZh, nameEn, errors);
        if (errors.Count > 0)
            throw new DomainValidationException(errors);
        (NameZh, NameEn) = (zh, en);
    }

    private static (string Zh, string En) CheckNames(string? nameZh, string? nameEn, Dictionary<string, string[]> errors)
    {
        var zh = nameZh?.Trim() ?? "";
        var en = nameEn?.Trim() ?? "";
        // The names are shown on the public application form and in mails: one line, no control or invisible characters.
        if (zh.Length == 0 || zh.Length > NameMax)
            errors["nameZh"] = [$"必填，不超过 {NameMax} 个字符 / is required, at most {NameMax} characters"];
        else if (Guard.TextProblem(zh, singleLine: true) is { } zhProblem)
            errors["nameZh"] = [zhProblem];
        if (en.Length == 0 || en.Length > NameMax)
            errors["nameEn"] = [$"必填，不超过 {NameMax} 个字符 / is required, at most {NameMax} characters"];
        else if (Guard.TextProblem(en, singleLine: true) is { } enProblem)
            errors["nameEn"] = [enProblem];
        return (zh, en);
    }
}
