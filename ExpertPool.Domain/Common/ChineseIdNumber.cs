using System.Globalization;

namespace ExpertPool.Domain.Common;

/// <summary>Resident identity card number (GB 11643-1999): 6-digit region, birth date, sequence, check character.</summary>
public static class ChineseIdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckChars = "10X98765432";

    public static bool TryParse(string? value, out string normalized, out DateOnly birthDate, out Gender gender, out string reason)
    {
        normalized = "";
        birthDate = default;
        gender = Gender.Unspecified;
        var v = value?.Trim().ToUpperInvariant() ?? "";
        if (v.Length != 18)
        {
            reason = "必须为18位 / must be 18 characters";
            return false;
        }
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(v[i]))
            {
                reason = "前17位必须为数字 / the first 17 characters must be digits";
                return false;
            }
        }
        if (!DateOnly.TryParseExact(v.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out birthDate)
            || birthDate.Year < 1900)
        {
            reason = "出生日期无效 / contains an invalid birth date";
            return false;
        }
        if (CheckCharacter(v.AsSpan(0, 17)) != v[17])
        {
            reason = "校验码错误 / check character does not match";
            return false;
        }
        gender = (v[16] - '0') % 2 == 1 ? Gender.Male : Gender.Female;
        normalized = v;
        reason = "";
        return true;
    }

    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
            sum += (first17[i] - '0') * Weights[i];
        return CheckChars[sum % 11];
    }

    /// <summary>
    /// Keeps only the region prefix and the check character: 330102***********X. The birth date and the sequence stay
    /// hidden (showing the last four as well would let the published birth year narrow the number to a few dozen).
    /// </summary>
    public static string Mask(string idNumber) =>
        idNumber.Length <= 7 ? new string('*', idNumber.Length) : string.Concat(idNumber.AsSpan(0, 6), new string('*', idNumber.Length - 7), idNumber.AsSpan(idNumber.Length - 1));
}

public enum Gender
{
    Unspecified = 0,
    Male = 1,
    Female = 2,
}
