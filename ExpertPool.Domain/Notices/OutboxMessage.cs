namespace ExpertPool.Domain.Notices;

public enum NoticeKind
{
    Invitation,
    Reminder,
    Confirmation,
    Cancellation,
    AdminSummary,
    Other,
    ApplicationReceipt,
    ApplicationDecision,
}

public enum OutboxStatus
{
    /// <summary>Waiting for its <see cref="OutboxMessage.NextAttemptAt"/>.</summary>
    Pending,

    /// <summary>Claimed by a sender until <see cref="OutboxMessage.LockedUntil"/>; reclaimed after that if the sender died.</summary>
    Sending,

    Sent,

    /// <summary>Gave up after the configured number of attempts. Kept, listed to administrators, can be re-queued.</summary>
    Failed,
}

/// <summary>
/// One email, fully rendered when it was enqueued: every (re)send puts the same bytes and the same Message-ID on the wire.
/// Rows are never deleted by the sender.
/// </summary>
public sealed class OutboxMessage
{
    public const int SubjectMax = 400;
    public const int EmailMax = 254;
    public const int NameMax = 200;
    public const int LastErrorMax = 1000;

    private readonly List<OutboxAttachment> _attachments = [];

    private OutboxMessage()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>RFC 5322 Message-ID including the angle brackets, fixed at creation.</summary>
    public string MessageId { get; private set; } = "";

    public NoticeKind Kind { get; private set; }

    /// <summary>What caused the notice (an invitation id, a panel request id); lets callers find their notices.</summary>
    public string? CorrelationId { get; private set; }

    public string RecipientEmail { get; private set; } = "";
    public string RecipientName { get; private set; } = "";
    public string Language { get; private set; } = "";
    public string Subject { get; private set; } = "";
    public string TextBody { get; private set; } = "";
    public string HtmlBody { get; private set; } = "";
    public IReadOnlyList<OutboxAttachment> Attachments => _attachments;

    public DateTime CreatedAt { get; private set; }
    public OutboxStatus Status { get; private set; }
    public int Attempts { get; private set; }
    public DateTime NextAttemptAt { get; private set; }

    /// <summary>The last transport error: exception type, SMTP status and message. Never credentials.</summary>
    public string? LastError { get; private set; }

    public DateTime? SentAt { get; private set; }
    public DateTime? LockedUntil { get; private set; }

    /// <summary>The claim token of the sender holding the message (host, process, batch).</summary>
    public string? LockedBy { get; private set; }

    internal static OutboxMessage Create(Guid id, string messageId, NoticeKind kind, string? correlationId, NoticeRecipient recipient, RenderedNotice content, DateTime now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recipient.Email);
        var message = new OutboxMessage
        {
            Id = id,
            MessageId = messageId,
            Kind = kind,
            CorrelationId = correlationId,
            RecipientEmail = recipient.Email.Trim(),
            RecipientName = recipient.DisplayName?.Trim() ?? "",
            Language = content.Language,
            Subject = content.Subject,
            TextBody = content.TextBody,
            HtmlBody = content.HtmlBody,
            CreatedAt = now,
            Status = OutboxStatus.Pending,
            NextAttemptAt = now,
        };
        var position = 0;
        foreach (var a in content.Attachments)
            message._attachments.Add(new OutboxAttachment(Guid.NewGuid(), id, position++, a.FileName, a.ContentType, a.Content.ToArray()));
        return message;
    }

    /// <summary>Puts a failed message back in the queue with a fresh set of attempts. Only failed messages can be retried.</summary>
    public void Requeue(DateTime now)
    {
        if (Status != OutboxStatus.Failed)
            throw new Common.DomainConflictException($"只有发送失败的通知可以重发 / Only a failed notice can be retried; this one is {Status}.");
        Status = OutboxStatus.Pending;
        Attempts = 0;
        NextAttemptAt = now;
        LockedUntil = null;
        LockedBy = null;
    }
}

/// <summary>A file sent with a message (the .ics of a confirmation receipt).</summary>
public sealed class OutboxAttachment
{
    private OutboxAttachment()
    {
    }

    internal OutboxAttachment(Guid id, Guid outboxMessageId, int position, string fileName, string contentType, byte[] content)
    {
        Id = id;
        OutboxMessageId = outboxMessageId;
        Position = position;
        FileName = fileName;
        ContentType = contentType;
        Content = content;
    }

    public Guid Id { get; private set; }
    public Guid OutboxMessageId { get; private set; }
    public int Position { get; private set; }
    public string FileName { get; private set; } = "";
    public string ContentType { get; private set; } = "";
    public byte[] Content { get; private set; } = [];
}
