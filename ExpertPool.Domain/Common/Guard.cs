namespace ExpertPool.Domain.Common;

internal static class Guard
{
    public static string Required(string? value, string field, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            throw new DomainValidationException(field, "必填 / is required");
        if (trimmed.Length > maxLength)
            throw new DomainValidationException(field, $"不能超过 {maxLength} 个字符 / must be at most {maxLength} characters");
        return trimmed;
    }

    public static string? Optional(string? value, string field, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            return null;
        if (trimmed.Length > maxLength)
            throw new DomainValidationException(field, $"不能超过 {maxLength} 个字符 / must be at most {maxLength} characters");
        return trimmed;
    }

    /// <summary>
    /// Why a time without an offset is refused: "2027-03-01T09:00:00" would be read in whatever zone the server runs in
    /// (UTC in a container, +08:00 on an agency's host), so the same request would mean different instants.
    /// </summary>
    public const string OffsetRequired = "时间须注明时区（如 +08:00） / must carry a time-zone offset, e.g. 2027-03-01T09:00:00+08:00 or 2027-03-01T01:00:00Z";

    /// <summary>A time read from JSON without "Z" or an offset (<see cref="DateTimeKind.Unspecified"/>).</summary>
    public static bool LacksOffset(DateTime? value) => value is { Kind: DateTimeKind.Unspecified };
}
