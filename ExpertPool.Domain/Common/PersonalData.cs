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
    /// itself, such as a mail server's reply, which often repeats the address it refused.
    /// </summary>
    public static string MaskEmailsIn(string? text) =>
        string.IsNullOrEmpty(text) ? "" : EmailInText().Replace(text, m => MaskEmail(m.Value));

    [System.Text.RegularExpressions.GeneratedRegex(@"[\p{L}\p{N}.!#$%&'*+/=?^_`{|}~-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*")]
    private static partial System.Text.RegularExpressions.Regex EmailInText();
}
