using System.Globalization;
using System.Text;

namespace ExpertPool.Domain.Notices;

/// <summary>
/// A single-event iCalendar (RFC 5545) file, written by hand: VCALENDAR/VEVENT with UID, DTSTAMP, DTSTART/DTEND in UTC,
/// SUMMARY, LOCATION and DESCRIPTION; TEXT values escaped (\\ ; , and newlines); lines folded at 75 octets without
/// splitting a UTF-8 sequence; CRLF line ends. Pure: the same input always gives the same bytes.
/// </summary>
public static class IcsCalendar
{
    public const string ContentType = "text/calendar; charset=utf-8; method=PUBLISH";

    /// <summary>The content type of a cancellation (<see cref="CreateCancel"/>).</summary>
    public const string CancelContentType = "text/calendar; charset=utf-8; method=CANCEL";
    private const int MaxLineOctets = 75;

    public static string Create(string uid, DateTimeOffset stamp, DateTimeOffset start, DateTimeOffset end, string summary, string? location, string? description) =>
        Write(uid, stamp, start, end, summary, location, description, cancel: false, null, null);

    /// <summary>
    /// Cancels the event published earlier under the same <paramref name="uid"/> (RFC 5546 CANCEL: METHOD:CANCEL,
    /// STATUS:CANCELLED and a higher SEQUENCE), so calendar clients remove it rather than keep a review that is off.
    /// RFC 5546 wants the organizer and the attendee on a CANCEL: the agency's address and the expert's.
    /// </summary>
    public static string CreateCancel(string uid, DateTimeOffset stamp, DateTimeOffset start, DateTimeOffset end, string summary, string? location, string? description,
        string organizerEmail, string attendeeEmail) =>
        Write(uid, stamp, start, end, summary, location, description, cancel: true, organizerEmail, attendeeEmail);

    private static string Write(string uid, DateTimeOffset stamp, DateTimeOffset start, DateTimeOffset end, string summary, string? location, string? description, bool cancel,
        string? organizerEmail, string? attendeeEmail)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uid);
        if (end <= start)
            throw new ArgumentException("The event must end after it starts.", nameof(end));
        var sb = new StringBuilder();
        Line(sb, "BEGIN:VCALENDAR");
        Line(sb, "VERSION:2.0");
        Line(sb, "PRODID:-//ExpertPool//Notices//ZH");
        Line(sb, "CALSCALE:GREGORIAN");
        Line(sb, cancel ? "METHOD:CANCEL" : "METHOD:PUBLISH");
        Line(sb, "BEGIN:VEVENT");
        Line(sb, "UID:" + Escape(uid));
        Line(sb, "DTSTAMP:" + Utc(stamp));
        if (cancel)
        {
            Line(sb, "SEQUENCE:1");
            if (!string.IsNullOrWhiteSpace(organizerEmail))
                Line(sb, "ORGANIZER:mailto:" + organizerEmail.Trim());
            if (!string.IsNullOrWhiteSpace(attendeeEmail))
                Line(sb, "ATTENDEE:mailto:" + attendeeEmail.Trim());
        }
        Line(sb, "DTSTART:" + Utc(start));
        Line(sb, "DTEND:" + Utc(end));
        Line(sb, "SUMMARY:" + Escape(summary));
        if (!string.IsNullOrEmpty(location))
            Line(sb, "LOCATION:" + Escape(location));
        if (!string.IsNullOrEmpty(description))
            Line(sb, "DESCRIPTION:" + Escape(description));
        Line(sb, cancel ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");
        Line(sb, "TRANSP:OPAQUE");
        Line(sb, "END:VEVENT");
        Line(sb, "END:VCALENDAR");
        return sb.ToString();
    }

    public static byte[] CreateBytes(string uid, DateTimeOffset stamp, DateTimeOffset start, DateTimeOffset end, string summary, string? location, string? description) =>
        Encoding.UTF8.GetBytes(Create(uid, stamp, start, end, summary, location, description));

    /// <summary>RFC 5545 §3.3.11 TEXT escaping.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case ';': sb.Append(@"\;"); break;
                case ',': sb.Append(@"\,"); break;
                case '\r':
                    if (i + 1 < value.Length && value[i + 1] == '\n')
                        i++;
                    sb.Append(@"\n");
                    break;
                case '\n': sb.Append(@"\n"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// RFC 5545 §3.1: content lines longer than 75 octets are split with CRLF followed by one space; the space counts
    /// toward the next line's 75. Splits fall between Unicode scalar values, never inside a UTF-8 sequence.
    /// </summary>
    public static string Fold(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var sb = new StringBuilder(line.Length + 16);
        var octets = 0;
        foreach (var rune in line.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (octets + size > MaxLineOctets)
            {
                sb.Append("\r\n ");
                octets = 1;
            }
            sb.Append(rune.ToString());
            octets += size;
        }
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, string line) => sb.Append(Fold(line)).Append("\r\n");

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
}
