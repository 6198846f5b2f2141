using System.Globalization;
using ExpertPool.Domain.Common;

namespace ExpertPool.Tests.Fixtures;

/// <summary>Valid identifiers built with the real check-character rules, unique per call.</summary>
public static class TestData
{
    private static int _sequence = Random.Shared.Next(1, 500);

    /// <summary>An 18-character resident ID number with a correct check character.</summary>
    public static string IdNumber(string region = "330102", int birthYear = 1975, bool male = true)
    {
        var seq = Interlocked.Increment(ref _sequence);
        var month = 1 + seq % 12;
        var day = 1 + seq / 12 % 28;
        var order = (seq % 499) * 2 + (male ? 1 : 0);
        var first17 = string.Create(CultureInfo.InvariantCulture, $"{region}{birthYear:0000}{month:00}{day:00}{order:000}");
        return first17 + ChineseIdNumber.CheckCharacter(first17);
    }

    /// <summary>An 18-character unified social credit code with a correct check character.</summary>
    public static string CreditCode()
    {
        var rnd = Random.Shared;
        var chars = new char[17];
        chars[0] = '9';
        chars[1] = '1';
        for (var i = 2; i < 8; i++)
            chars[i] = (char)('0' + rnd.Next(10));
        for (var i = 8; i < 17; i++)
            chars[i] = UnifiedSocialCreditCode.Alphabet[rnd.Next(UnifiedSocialCreditCode.Alphabet.Length)];
        var first17 = new string(chars);
        return first17 + UnifiedSocialCreditCode.CheckCharacter(first17);
    }

    public static string Suffix() => Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    public static string Email(string hint = "expert") => $"{hint}.{Guid.NewGuid():N}@example.cn";

    public static string Phone() => "139" + Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
}
