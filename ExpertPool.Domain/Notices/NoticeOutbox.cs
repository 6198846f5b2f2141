using ExpertPool.Domain.Persistence;
using Microsoft.Extensions.Options;

namespace ExpertPool.Domain.Notices;

/// <summary>
/// Writes notices to the outbox.
/// <para>
/// <b>Contract:</b> <see cref="Enqueue"/> only <i>adds</i> the message to the caller's <see cref="ExpertPoolDbContext"/>;
/// it never saves. The caller saves once, so the notice commits in the same transaction as the state change that
/// causes it (an invitation created, a reply recorded, a panel completed) — both or neither. A rolled-back change
/// sends nothing; a committed one is sent by <see cref="OutboxSender"/> even if the process dies right after.
/// </para>
/// <para>Content is rendered before it gets here, so a resend is byte-identical and carries the same Message-ID.</para>
/// </summary>
public sealed class NoticeOutbox(IOptions<MailOptions> options, TimeProvider clock)
{
    public OutboxMessage Enqueue(ExpertPoolDbContext db, NoticeRecipient recipient, RenderedNotice notice, string? correlationId = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(notice);
        var id = Guid.NewGuid();
        var message = OutboxMessage.Create(id, NewMessageId(id, options.Value.MessageIdDomain), notice.Kind, correlationId, recipient, notice, clock.GetUtcNow().UtcDateTime);
        db.Set<OutboxMessage>().Add(message);
        return message;
    }

    /// <summary><c>&lt;32-hex-digits@domain&gt;</c>: unique, fixed at creation, the same on every resend.</summary>
    public static string NewMessageId(Guid id, string domain) => $"<{id:N}@{domain}>";
}
