namespace ExpertPool.Domain.Common;

/// <summary>Masking of personal data for everyone who is not an administrator.</summary>
public static partial class PersonalData
{
    /// <summary>
    /// 138****5678: a number of 11 characters or more keeps its first three and last four; a shorter one (a landline
    /// without area code, an extension) keeps only its last two, so most of it is always hidden.
    /// </summary>
    public static string MaskPhone(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
            return "";
        if (phone.Length >= 11)
            return string.Concat(phone.AsSpan(0, 3), new string('*', phone.Length - 7), phone.AsSpan(phone.Length - 4));
        return phone.Length >= 6 ? string.Concat(new string('*', phone.Length - 2), phone.AsSpan(phone.Length - 2)) : new string('*', phone.Length);
    }

    /// <summary>z***@example.com: keeps the first character of a local part of three or more, and the domain.</summary>
    public static string MaskEmail(string? email)
    {
        if (string.IsNullOrEmpty(email))
            return "";
        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0)
            return "***";
        return at < 3 ? string.Concat("***", email.AsSpan(at)) : string.Concat(email.AsSpan(0, 1), "***", email.AsSpan(at));
    }

    /// <summary>
    /// Every email address inside a free text masked as <see cref="MaskEmail"/> does: for text the service did not write
    /// itself, such as a mail server's reply, which often repeats the address it refused. The local part is taken as
    /// ASCII (as good as every address is): Chinese text runs up to an address without a space, and must not be
    /// swallowed by it.
    /// </summary>
    public static string MaskEmailsIn(string? text) =>
        string.IsNullOrEmpty(text) ? "" : EmailInText().Replace(text, m => MaskEmail(m.Value));

    /// <summary>
    /// A free text as a non-administrator may read it: email addresses, mobile numbers and ID numbers inside it masked
    /// as the registry's own fields are. For text people write themselves (an application's statement or recommender, a
    /// reason for declining), which may name someone with their number.
    /// </summary>
    /// <remarks>
    /// Numbers typed in full-width form (a Chinese keyboard in full-width mode gives １３８…), or split by invisible
    /// characters (U+200B and other format characters), are found too: the text is read with those folded to ASCII and
    /// dropped. When something is masked in such a text, the masked copy keeps that folded form.
    /// </remarks>
    public static string MaskIn(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        var folded = Fold(text);
        if (!MayHoldNumberOrAddress(folded))
            return text;
        var masked = MaskEmailsIn(folded);
        masked = IdNumberInText().Replace(masked, m => ChineseIdNumber.Mask(m.Value));
        masked = MobileInText().Replace(masked, m => MaskPhone(m.Value));
        return ReferenceEquals(folded, text) || !string.Equals(masked, folded, StringComparison.Ordinal) ? masked : text;
    }

    /// <summary>
    /// The text with full-width digits and the full-width forms of <c>@ + - . ( ) X x</c> read as ASCII, the ideographic
    /// space as a space, and format characters (zero-width spaces and joiners, direction marks, BOM) dropped; the same
    /// instance when there is none.
    /// </summary>
    private static string Fold(string text)
    {
        var i = 0;
        while (i < text.Length && !Folds(text[i]))
            i++;
        if (i == text.Length)
            return text;
        var builder = new System.Text.StringBuilder(text.Length);
        builder.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (!Folds(c))
                builder.Append(c);
            else if (c is >= '\uFF10' and <= '\uFF19')
                builder.Append((char)('0' + (c - '\uFF10')));
            else if (c != '\u3000' && (c < '\uFF00' || c > '\uFF5E'))
                continue; // a format character
            else
                builder.Append(c == '\u3000' ? ' ' : (char)(c - 0xFEE0));
        }
        return builder.ToString();
    }

    private static bool Folds(char c)
    {
        // Most of a Chinese text (ideographs, kana, CJK punctuation after U+3000) has nothing to fold: no table lookup.
        if (c < '\u00AD' || c is > '\u3000' and < '\uFEFF')
            return false;
        return c is >= '\uFF10' and <= '\uFF19' or '\uFF20' or '\uFF0B' or '\uFF0D' or '\uFF0E' or '\uFF08' or '\uFF09' or '\uFF38' or '\uFF58' or '\u3000'
            || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;
    }

    /// <summary>Whether the text holds an email address, a mobile number or an ID number (what <see cref="MaskIn"/> masks).</summary>
    public static bool HoldsNumberOrAddress(string? text) =>
        !string.IsNullOrEmpty(text) && !string.Equals(MaskIn(text), text, StringComparison.Ordinal);

    /// <summary>
    /// False when the text cannot hold what <see cref="MaskIn"/> masks: no '@' and fewer than 11 ASCII digits (a mobile
    /// number has 11, an ID number 17 and a check character). Most reasons are like that, and a draw masks thousands.
    /// </summary>
    private static bool MayHoldNumberOrAddress(string text)
    {
        var digits = 0;
        foreach (var c in text)
        {
            if (c == '@' || (char.IsAsciiDigit(c) && ++digits >= 11))
                return true;
        }
        return false;
    }

    /// <summary>
    /// A free text as <paramref name="administrator"/> or another reader may see it: as it is for an administrator, else
    /// with <see cref="MaskIn"/>. Null stays null.
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? ForReader(string? text, bool administrator) => administrator || text is null ? text : MaskIn(text);

    /// <summary>An 18-character resident ID number standing alone (not part of a longer run of digits or letters), also written in groups of 6, 8 and 4.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![0-9A-Za-z])[1-9][0-9]{5}[- ]?[0-9]{8}[- ]?[0-9]{3}[0-9Xx](?![0-9A-Za-z])")]
    private static partial System.Text.RegularExpressions.Regex IdNumberInText();

    /// <summary>A mainland mobile number, with or without +86, spaces, dashes or dots between its groups of 3-4-4, the first group perhaps in brackets.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![0-9])(?:\+?86[-. ]?)?(?:\(1[3-9][0-9]\)|1[3-9][0-9])(?:[-. ]?[0-9]{4}){2}(?![0-9])")]
    private static partial System.Text.RegularExpressions.Regex MobileInText();

    [System.Text.RegularExpressions.GeneratedRegex(@"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*")]
    private static partial System.Text.RegularExpressions.Regex EmailInText();
}
