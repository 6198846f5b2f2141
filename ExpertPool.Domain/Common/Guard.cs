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
    /// entropy source) refuses line breaks and tabs as well (U+2028 and U+2029 included), and invisible format
    /// characters (Unicode category Cf): a name holding a zero-width space or a direction override reads as
    /// another name but does not compare equal to it. Free text keeps line breaks and format characters.
    /// </summary>
    public static string? TextProblem(string text, bool singleLine)
    {
        foreach (var c in text)
        {
            if (singleLine && c is '\u2028' or '\u2029')
                return OneLine;
            if (singleLine && IsInvisible(c))
                return $"不能包含不可见字符或文字方向控制符（U+{(int)c:X4}，如零宽空格、方向标记） / must not contain invisible or text-direction characters (U+{(int)c:X4}, such as a zero-width space or a direction mark)";
            if (!char.IsControl(c))
                continue;
            if (c is '\n' or '\r' or '\t')
            {
                if (singleLine)
                    return OneLine;
                continue;
            }
            return $"不能包含控制字符（U+{(int)c:X4}） / must not contain control characters (U+{(int)c:X4})";
        }
        return null;
    }

    private const string OneLine = "须为一行，不能包含换行或制表符 / must be one line, without line breaks or tabs";

    /// <summary>Invisible format characters (zero-width space, joiners, direction marks): a text holding one may read as another.</summary>
    private static bool IsInvisible(char c) => char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;

    /// <summary>
    /// Why an entered value that is hashed exactly as typed (an entropy value) is refused for full-width ASCII
    /// (U+FF01–U+FF5E and the ideographic space U+3000, what a Chinese keyboard in full-width mode types): "５８１"
    /// reads as the published "581" but hashes differently, so the draw could not be checked against the lottery
    /// result. It is refused, not converted: the value is recorded and hashed as entered.
    /// </summary>
    public static string? FullWidthProblem(string text)
    {
        foreach (var c in text)
        {
            if (c is >= '\uFF01' and <= '\uFF5E' or '\u3000')
                return $"请使用半角字符（英文输入状态）输入，不能包含全角字符“{c}”（U+{(int)c:X4}） / must be typed in half-width characters: full-width '{c}' (U+{(int)c:X4}) is not accepted, since the value is hashed exactly as entered";
        }
        return null;
    }

    /// <summary>
    /// Why a time without an offset is refused: "2027-03-01T09:00:00" would be read in whatever zone the server runs in
    /// (UTC in a container, +08:00 on an agency's host), so the same request would mean different instants.
    /// </summary>
    public const string OffsetRequired = "时间须注明时区（如 +08:00） / must carry a time-zone offset, e.g. 2027-03-01T09:00:00+08:00 or 2027-03-01T01:00:00Z";

    /// <summary>A time read from JSON without "Z" or an offset (<see cref="DateTimeKind.Unspecified"/>).</summary>
    public static bool LacksOffset(DateTime? value) => value is { Kind: DateTimeKind.Unspecified };
}
