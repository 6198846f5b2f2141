namespace ExpertPool.Domain.Notices;

/// <summary>Who a notice goes to. The display name may be Chinese; it is RFC 2047-encoded on the wire.</summary>
public sealed record NoticeRecipient(string Email, string? DisplayName);

/// <summary>A file to attach, e.g. <c>text/calendar</c> for an .ics.</summary>
public sealed record NoticeAttachment(string FileName, string ContentType, ReadOnlyMemory<byte> Content);

/// <summary>A notice's final content in one language: what <see cref="NoticeTemplates"/> produces and the outbox stores.</summary>
public sealed record RenderedNotice(NoticeKind Kind, string Language, string Subject, string TextBody, string HtmlBody, IReadOnlyList<NoticeAttachment> Attachments)
{
    public RenderedNotice(NoticeKind kind, string language, string subject, string textBody, string htmlBody)
        : this(kind, language, subject, textBody, htmlBody, [])
    {
    }
}
