using ExpertPool.Domain.Common;

namespace ExpertPool.Domain.Draws;

/// <summary>
/// The trace of a withdrawn draw (the review is off, decision 004): when, by whom, why, and how many open or confirmed
/// invitations it cancelled. Append-only like the record it refers to, which itself never changes; at most one per draw,
/// because a withdrawal leaves nothing open to withdraw again.
/// </summary>
public sealed class DrawWithdrawal
{
    public const int ReasonMax = 500;
    public const int ActorMax = 100;

    private DrawWithdrawal()
    {
    }

    public Guid Id { get; private set; }
    public Guid DrawRecordId { get; private set; }
    public string Reason { get; private set; } = "";
    public string WithdrawnBy { get; private set; } = "";
    public DateTime WithdrawnAt { get; private set; }
    public int CancelledInvitations { get; private set; }

    public static DrawWithdrawal Create(Guid drawRecordId, string? reason, string actor, DateTime now, int cancelledInvitations)
    {
        if (drawRecordId == Guid.Empty)
            throw new ArgumentException("A withdrawal belongs to a draw.", nameof(drawRecordId));
        if (cancelledInvitations < 1)
            throw new ArgumentOutOfRangeException(nameof(cancelledInvitations), "A withdrawal cancels at least one invitation.");
        return new DrawWithdrawal
        {
            Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)),
            DrawRecordId = drawRecordId,
            Reason = Guard.Required(reason, "reason", ReasonMax),
            WithdrawnBy = Guard.Required(actor, "actor", ActorMax),
            WithdrawnAt = now,
            CancelledInvitations = cancelledInvitations,
        };
    }
}
