namespace ExpertPool.Domain.Common;

/// <summary>
/// Enum values as the API writes them: one defined name, any case. <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/>
/// alone also takes numbers ("99", stored as an undefined value) and comma lists ("A, B", combined bitwise).
/// </summary>
public static class EnumNames
{
    public static bool TryParse<TEnum>(string? value, out TEnum result) where TEnum : struct, Enum
    {
        result = default;
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
            return false;
        foreach (var name in Enum.GetNames<TEnum>())
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                result = Enum.Parse<TEnum>(name);
                return true;
            }
        }
        return false;
    }

    /// <summary>The defined names, for an error's reason ("must be one of …").</summary>
    public static string List<TEnum>(string separator = ", ") where TEnum : struct, Enum => string.Join(separator, Enum.GetNames<TEnum>());
}
