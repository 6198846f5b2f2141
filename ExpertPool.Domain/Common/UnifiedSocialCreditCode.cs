namespace ExpertPool.Domain.Common;

/// <summary>Unified social credit code of an organisation (GB 32100-2015): 18 characters, last one a check character.</summary>
public static class UnifiedSocialCreditCode
{
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    public static bool TryNormalize(string? value, out string normalized, out string reason)
    {
        normalized = "";
        var v = value?.Trim().ToUpperInvariant() ?? "";
        if (v.Length != 18)
        {
            reason = "必须为18位 / must be 18 characters";
            return false;
        }
        foreach (var c in v)
        {
            if (!Alphabet.Contains(c, StringComparison.Ordinal))
            {
                reason = $"含有非法字符“{c}”（不使用 I、O、Z、S、V） / contains '{c}', which is not allowed (I, O, Z, S, V are never used)";
                return false;
            }
        }
        if (CheckCharacter(v.AsSpan(0, 17)) != v[17])
        {
            reason = "校验码错误 / check character does not match";
            return false;
        }
        normalized = v;
        reason = "";
        return true;
    }

    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
            sum += Alphabet.IndexOf(first17[i], StringComparison.Ordinal) * Weights[i];
        var check = 31 - (sum % 31);
        return Alphabet[check == 31 ? 0 : check];
    }
}
