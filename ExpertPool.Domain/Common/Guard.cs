namespace ExpertPool.Domain.Common;

internal static class Guard
{
    /// <summary>The earliest and latest dates the registry takes: anything outside is a typo (0001-01-01 is what an omitted date becomes).</summary>
    public static readonly DateOnly MinDate = new(1900, 1, 1);

    public static readonly DateOnly MaxDate = new(2100, 12, 31);

    public const string DateRange = "日期须在 1900-01-01 至 2100-12-31 之间 / must be between 1900-01-01 and 2100-12-31";

    public static bool IsPlausible(DateOnly date) => date >= MinDate && date <= MaxDate;

    /// <summary>Free text (a note, a reason, a statement): may span lines; the text is trimmed.</summary>
    public static string Required(string? value, string field, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            throw new DomainValidationException(field, "必填 / is required");
        if (trimmed.Length > maxLength)
            throw new DomainValidationException(field, $"不能超过 {maxLength} 个字符 / must be at most {maxLength} characters");
        if (TextProblem(trimmed, singleLine: false) is { } problem)
            throw new DomainValidationException(field, problem);
        return trimmed;
    }

    public static string? Optional(string? value, string field, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            return null;
        if (trimmed.Length > maxLength)
            throw new DomainValidationException(field, $"不能超过 {maxLength} 个字符 / must be at most {maxLength} characters");
        if (TextProblem(trimmed, singleLine: false) is { } problem)
            throw new DomainValidationException(field, problem);
        return trimmed;
    }

    /// <summary>
    /// Why a text is refused, or null. Control characters (NUL, BEL, ESC, DEL, C1) never belong in stored text: they
    /// break exports and CSV round trips and can hide text on a terminal. A single-line field (a name, a title, an
    /// entropy source) refuses line breaks and tabs as well; free text keeps them.
    /// </summary>
    public static string? TextProblem(string text, bool singleLine)
    {
        foreach (var c in text)
        {
            if (!char.IsControl(c))
                continue;
            if (c is '\n' or '\r' or '\t')
            {
                if (singleLine)
                    return "须为一行，不能包含换行或制表符 / must be one line, without line breaks or tabs";
                continue;
            }
            return $"不能包含控制字符（U+{(int)c:X4}） / must not contain control characters (U+{(int)c:X4})";
        }
        return null;
    }

    /// <summary>Invisible format characters (zero-width space, joiners, direction marks): a text holding one may read as another.</summary>
    public static bool HasInvisible(string text)
    {
        foreach (var c in text)
        {
            if (char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)
                return true;
        }
        return false;
    }

    /// <summary>
    /// Why a time without an offset is refused: "2027-03-01T09:00:00" would be read in whatever zone the server runs in
    /// (UTC in a container, +08:00 on an agency's host), so the same request would mean different instants.
    /// </summary>
    public const string OffsetRequired = "时间须注明时区（如 +08:00） / must carry a time-zone offset, e.g. 2027-03-01T09:00:00+08:00 or 2027-03-01T01:00:00Z";

    /// <summary>A time read from JSON without "Z" or an offset (<see cref="DateTimeKind.Unspecified"/>).</summary>
    public static bool LacksOffset(DateTime? value) => value is { Kind: DateTimeKind.Unspecified };
}
