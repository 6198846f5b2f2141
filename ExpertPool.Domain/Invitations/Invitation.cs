using ExpertPool.Domain.Common;
using ExpertPool.Domain.Draws;

namespace ExpertPool.Domain.Invitations;

public enum InvitationStatus
{
    /// <summary>Sent; waiting for the expert's answer until <see cref="Invitation.Deadline"/>.</summary>
    Pending = 0,
    Confirmed = 1,
    Declined = 2,
    /// <summary>No answer by the deadline; the next backup was invited.</summary>
    Expired = 3,
    /// <summary>Withdrawn by the agency (review cancelled); the expert was told.</summary>
    Cancelled = 4,

    /// <summary>A backup passed over at replacement time because they were no longer eligible (reason kept); never mailed.</summary>
    Skipped = 5,
}

public enum DeclineKind
{
    Unavailable = 0,
    /// <summary>"I have a conflict of interest" (存在回避情形): recorded as a declared conflict for the expert and party.</summary>
    Conflict = 1,
    Other = 2,
}

/// <summary>
/// An invitation of one drawn expert to one seat of a panel. Members are invited right after the draw; a declined or
/// expired seat goes to the next backup of the same quota in rank order (递补), recorded as a new invitation that
/// names the one it replaces. Rows are never deleted.
/// </summary>
public sealed class Invitation
{
    public const int ReasonMax = 500;

    private Invitation()
    {
    }

    public Guid Id { get; private set; }
    public Guid DrawRecordId { get; private set; }
    public Guid PanelRequestId { get; private set; }
    public Guid ProjectId { get; private set; }
    public Guid ExpertId { get; private set; }
    public string QuotaKey { get; private set; } = "";
    public SelectionRole DrawnAs { get; private set; }
    public int DrawnRank { get; private set; }
    public Guid? ReplacesInvitationId { get; private set; }
    public InvitationStatus Status { get; private set; }
    public DateTime InvitedAt { get; private set; }
    public DateTime Deadline { get; private set; }
    public DateTime? ReminderQueuedAt { get; private set; }
    public DateTime? RespondedAt { get; private set; }
    public DeclineKind? DeclineKind { get; private set; }
    public string? DeclineReason { get; private set; }
    public Guid? ConflictOrganisationId { get; private set; }
    public string? CancelReason { get; private set; }
    public string? CancelledBy { get; private set; }

    /// <summary>Concurrency token: two clicks at once cannot both change the invitation.</summary>
    public int Version { get; private set; }

    internal static Invitation Create(DrawRecord draw, DrawSelection seat, Guid? replaces, DateTime now, DateTime deadline) => new()
    {
        Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)),
        DrawRecordId = draw.Id,
        PanelRequestId = draw.PanelRequestId,
        ProjectId = draw.ProjectId,
        ExpertId = seat.ExpertId,
        QuotaKey = seat.QuotaKey,
        DrawnAs = seat.Role,
        DrawnRank = seat.Rank,
        ReplacesInvitationId = replaces,
        Status = InvitationStatus.Pending,
        InvitedAt = now,
        Deadline = deadline,
        Version = 1,
    };

    public bool IsOpen(DateTime now) => Status == InvitationStatus.Pending && now < Deadline;

    public void Confirm(DateTime now)
    {
        EnsureOpen(now);
        Status = InvitationStatus.Confirmed;
        RespondedAt = now;
        Version++;
    }

    public void Decline(DeclineKind kind, string? reason, Guid? conflictOrganisationId, DateTime now)
    {
        EnsureOpen(now);
        var why = reason?.Trim();
        if (why?.Length > ReasonMax)
            throw new DomainValidationException("reason", $"不能超过 {ReasonMax} 个字符 / must be at most {ReasonMax} characters");
        if (why is { Length: > 0 } && Guard.TextProblem(why, singleLine: false) is { } problem)
            throw new DomainValidationException("reason", problem);
        if (kind == Invitations.DeclineKind.Conflict && conflictOrganisationId is null)
            throw new DomainValidationException("conflictOrganisationId", "请选择存在回避情形的单位 / say which party you have a conflict with");
        if (kind == Invitations.DeclineKind.Other && string.IsNullOrEmpty(why))
            throw new DomainValidationException("reason", "请填写原因 / please give a reason");
        Status = InvitationStatus.Declined;
        DeclineKind = kind;
        DeclineReason = string.IsNullOrEmpty(why) ? null : why;
        ConflictOrganisationId = kind == Invitations.DeclineKind.Conflict ? conflictOrganisationId : null;
        RespondedAt = now;
        Version++;
    }

    /// <summary>The deadline passed without an answer.</summary>
    public void Expire(DateTime now)
    {
        if (Status != InvitationStatus.Pending || now < Deadline)
            throw new DomainConflictException("只有已过答复期限的待答复邀请才能过期 / Only a pending invitation past its deadline can expire.");
        Status = InvitationStatus.Expired;
        Version++;
    }

    public void Cancel(string reason, string actor, DateTime now)
    {
        if (Status is not (InvitationStatus.Pending or InvitationStatus.Confirmed))
            throw new DomainConflictException($"该邀请状态为 {Status}，不能取消 / The invitation is {Status} and cannot be cancelled.");
        Status = InvitationStatus.Cancelled;
        CancelReason = reason;
        CancelledBy = actor;
        RespondedAt ??= now;
        Version++;
    }

    /// <summary>Records a backup passed over at replacement time, with why; keeps the replacement order auditable.</summary>
    internal static Invitation Skip(DrawRecord draw, DrawSelection seat, Guid replaces, string reason, DateTime now)
    {
        var skipped = Create(draw, seat, replaces, now, now);
        skipped.Status = InvitationStatus.Skipped;
        skipped.CancelReason = reason.Length > ReasonMax ? reason[..ReasonMax] : reason;
        skipped.CancelledBy = "system";
        return skipped;
    }

    public void MarkReminderQueued(DateTime now)
    {
        ReminderQueuedAt = now;
        Version++;
    }

    private void EnsureOpen(DateTime now)
    {
        if (Status != InvitationStatus.Pending)
            throw new DomainConflictException($"该邀请已处理 / This invitation was already answered ({Status}).");
        if (now >= Deadline)
            throw new DomainConflictException("已超过答复期限 / The reply deadline has passed.");
    }
}
