using ExpertPool.Domain.Common;
using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Domain.Draws;

public enum PanelRequestStatus
{
    /// <summary>Scheduled: the nonce is fixed and only its commitment is public.</summary>
    Scheduled = 0,
    /// <summary>The draw ran and filled every quota; the nonce may be revealed.</summary>
    Drawn = 1,
    /// <summary>The draw ran and could not fill a quota; the attempt is kept and the nonce may be revealed.</summary>
    Failed = 2,
    /// <summary>Cancelled by an administrator before the draw, with a reason.</summary>
    Cancelled = 3,
}

/// <summary>One quota: <see cref="Count"/> experts plus <see cref="Backups"/> ranked backups from a specialty subtree (and region).</summary>
public sealed record PanelQuotaInput(string? SpecialtyCode, string? RegionCode, int? Count, int? Backups);

/// <summary>
/// A request for a panel (抽取申请). Scheduling fixes a secret 32-byte nonce and publishes only its SHA-256 commitment.
/// Every request is kept whatever happens to it; a re-draw is a new request that supersedes a finished one.
/// </summary>
public sealed class PanelRequest
{
    public const int DefaultBackups = 2;
    public const int ReasonMax = 500;
    public const int SupervisorMax = 100;
    public const int FailureReasonMax = 2000;
    public const int MaxQuotas = 20;

    private readonly List<PanelQuota> _quotas = [];

    private PanelRequest()
    {
    }

    public Guid Id { get; private set; }
    public Guid ProjectId { get; private set; }
    public IReadOnlyList<PanelQuota> Quotas => _quotas;
    public DateTime ReplyDeadline { get; private set; }
    public DateTime ScheduledDrawAt { get; private set; }
    public string SupervisorName { get; private set; } = "";
    public string RequestedBy { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public PanelRequestStatus Status { get; private set; }
    public string? CancelReason { get; private set; }
    public string? CancelledBy { get; private set; }
    public DateTime? CancelledAt { get; private set; }
    public DateTime? DrawnAt { get; private set; }
    public string? FailureReason { get; private set; }
    public Guid? SupersedesRequestId { get; private set; }
    public string? RedrawReason { get; private set; }

    /// <summary>
    /// A supplementary draw (补抽): scheduled while the project's panel was in force, only for its seats whose backups ran
    /// out. Its seats belong to that panel; it does not start a panel of its own.
    /// </summary>
    public bool Supplementary { get; private set; }

    /// <summary>Lowercase hex SHA-256 commitment to <see cref="Nonce"/> (<see cref="DrawAlgorithm.ComputeCommitment"/>).</summary>
    public string Commitment { get; private set; } = "";

    /// <summary>The secret. Only the draw reads it; no endpoint returns it before <see cref="IsNonceRevealable"/>.</summary>
    public byte[] Nonce { get; private set; } = [];

    /// <summary>True once the draw has run (Drawn or Failed): from then on the nonce is part of the public record.</summary>
    public bool IsNonceRevealable => Status is PanelRequestStatus.Drawn or PanelRequestStatus.Failed;

    internal static PanelRequest Schedule(Guid projectId, IReadOnlyList<PanelQuota> quotas, DateTime replyDeadline, DateTime scheduledDrawAt,
        string supervisorName, string requestedBy, Guid? supersedes, string? redrawReason, byte[] nonce, DateTime now, bool supplementary = false)
    {
        var request = new PanelRequest
        {
            Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)),
            ProjectId = projectId,
            ReplyDeadline = replyDeadline,
            ScheduledDrawAt = scheduledDrawAt,
            SupervisorName = supervisorName,
            RequestedBy = requestedBy,
            CreatedAt = now,
            Status = PanelRequestStatus.Scheduled,
            SupersedesRequestId = supersedes,
            RedrawReason = redrawReason,
            Supplementary = supplementary,
            Nonce = nonce,
            Commitment = DrawAlgorithm.ComputeCommitment(nonce),
        };
        foreach (var q in quotas)
            request._quotas.Add(q.For(request.Id));
        return request;
    }

    /// <summary>Quotas as the draw algorithm takes them, in fill order.</summary>
    public IReadOnlyList<DrawQuota> ToDrawQuotas() =>
        _quotas.OrderBy(q => q.Position).Select(q => new DrawQuota(q.Key, q.SpecialtyCode, q.RegionCode, q.Count, q.Backups)).ToList();

    public void Cancel(string? reason, string actor, DateTime now)
    {
        var why = Guard.Required(reason, "reason", ReasonMax);
        EnsureScheduled("cancelled");
        Status = PanelRequestStatus.Cancelled;
        CancelReason = why;
        CancelledBy = actor;
        CancelledAt = now;
    }

    /// <summary>The draw ran and every quota was filled. A request is drawn at most once.</summary>
    public void MarkDrawn(DateTime now)
    {
        EnsureScheduled("drawn");
        Status = PanelRequestStatus.Drawn;
        DrawnAt = now;
    }

    /// <summary>The draw ran and could not fill the panel; the failed attempt is kept with its reason.</summary>
    public void MarkFailed(string? reason, DateTime now)
    {
        var why = reason?.Trim() ?? "";
        if (why.Length == 0)
            throw new DomainValidationException("reason", "必填 / is required");
        // The full per-quota detail is in the draw record; the request keeps a readable summary.
        if (why.Length > FailureReasonMax)
            why = string.Concat(why.AsSpan(0, FailureReasonMax - 1), "…");
        EnsureScheduled("drawn");
        Status = PanelRequestStatus.Failed;
        FailureReason = why;
        DrawnAt = now;
    }

    /// <summary>Whether a re-draw may supersede this request: only once it is finished (drawn, failed or cancelled).</summary>
    public bool IsFinished => Status is PanelRequestStatus.Drawn or PanelRequestStatus.Failed or PanelRequestStatus.Cancelled;

    private void EnsureScheduled(string verb)
    {
        if (Status != PanelRequestStatus.Scheduled)
            throw new DomainConflictException($"该抽取申请状态为 {Status}，不能再操作 / The panel request is {Status} and cannot be {verb}.");
    }
}

/// <summary>One quota of a panel request. <see cref="Key"/> is "Q1", "Q2"… in fill order.</summary>
public sealed class PanelQuota
{
    /// <summary>Far above any real panel (formal reviews seat 5 to 15), low enough that a typo is caught at scheduling, not at the draw.</summary>
    public const int MaxCount = 200;
    public const int MaxBackups = 50;

    private PanelQuota()
    {
    }

    internal PanelQuota(int position, string specialtyCode, string? regionCode, int count, int backups)
    {
        Position = position;
        Key = $"Q{position}";
        SpecialtyCode = specialtyCode;
        RegionCode = regionCode;
        Count = count;
        Backups = backups;
    }

    public Guid PanelRequestId { get; private set; }
    public int Position { get; private set; }
    public string Key { get; private set; } = "";
    public string SpecialtyCode { get; private set; } = "";
    public string? RegionCode { get; private set; }
    public int Count { get; private set; }
    public int Backups { get; private set; }

    internal PanelQuota For(Guid requestId) => new(Position, SpecialtyCode, RegionCode, Count, Backups) { PanelRequestId = requestId };
}

/// <summary>An administrator's exclusion of one expert from one panel request; the reason is mandatory and kept.</summary>
public sealed class ManualExclusion
{
    private ManualExclusion()
    {
    }

    public Guid Id { get; private set; }
    public Guid PanelRequestId { get; private set; }
    public Guid ExpertId { get; private set; }
    public string Reason { get; private set; } = "";
    public string CreatedBy { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }

    public static ManualExclusion Create(PanelRequest request, Guid expertId, string? reason, string actor, DateTime now)
    {
        var why = Guard.Required(reason, "reason", PanelRequest.ReasonMax);
        if (request.Status != PanelRequestStatus.Scheduled)
            throw new DomainConflictException($"抽取后不能再添加回避 / The panel request is {request.Status}: exclusions can only be added before the draw.");
        return new ManualExclusion
        {
            Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)),
            PanelRequestId = request.Id,
            ExpertId = expertId,
            Reason = why,
            CreatedBy = actor,
            CreatedAt = now,
        };
    }
}
