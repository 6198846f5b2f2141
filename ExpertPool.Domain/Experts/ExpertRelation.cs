using ExpertPool.Domain.Common;

namespace ExpertPool.Domain.Experts;

/// <summary>The kind of tie between an expert and an organisation, as the 回避 rules name them.</summary>
public enum RelationKind
{
    /// <summary>劳动关系: employment or another labour relation.</summary>
    Employment = 0,
    /// <summary>董事.</summary>
    Director = 1,
    /// <summary>监事.</summary>
    Supervisor = 2,
    /// <summary>控股股东.</summary>
    ControllingShareholder = 3,
    /// <summary>实际控制人.</summary>
    ActualController = 4,
    /// <summary>持有投资.</summary>
    Investment = 5,
    /// <summary>法律纠纷.</summary>
    LegalDispute = 6,
    /// <summary>与法定代表人为配偶、直系血亲、三代以内旁系血亲或近姻亲.</summary>
    FamilyOfLegalRepresentative = 7,
    /// <summary>其他可能影响公正的关系.</summary>
    Other = 8,
}

/// <summary>
/// One period of a tie between an expert and an organisation. History is never deleted: an ended relation keeps its
/// row with <see cref="To"/> set, because the 回避 rules look back N years.
/// </summary>
public sealed class ExpertRelation
{
    public const int NoteMax = 500;

    private ExpertRelation()
    {
    }

    public Guid Id { get; private set; }
    public Guid ExpertId { get; private set; }
    public Guid OrganisationId { get; private set; }
    public RelationKind Kind { get; private set; }

    /// <summary>First day of the relation, when known.</summary>
    public DateOnly? From { get; private set; }

    /// <summary>Last day of the relation; null while it is ongoing.</summary>
    public DateOnly? To { get; private set; }

    public string? Note { get; private set; }
    public string RecordedBy { get; private set; } = "";
    public DateTime RecordedAt { get; private set; }

    /// <summary>
    /// When the registry learned that the relation had ended: at <see cref="RecordedAt"/> for one recorded with its end
    /// date, else when someone ended it through <see cref="End"/>. Not the same as <see cref="To"/>, the date it ended.
    /// </summary>
    public DateTime? EndedAt { get; private set; }

    /// <summary>Who ended it: <see cref="RecordedBy"/> for one recorded with its end date. Null for a relation ended before this was kept.</summary>
    public string? EndedBy { get; private set; }

    public bool IsOngoing => To is null;

    public static ExpertRelation Create(Guid expertId, Guid organisationId, RelationKind kind, DateOnly? from, DateOnly? to, string? note, string actor, DateTime now)
    {
        if (!Enum.IsDefined(kind))
            throw new DomainValidationException("kind", "关系类型不正确 / is not a known relation kind");
        if (from is { } early && !Guard.IsPlausible(early))
            throw new DomainValidationException("from", Guard.DateRange);
        if (to is { } late && !Guard.IsPlausible(late))
            throw new DomainValidationException("to", Guard.DateRange);
        if (from is { } f && to is { } t && t < f)
            throw new DomainValidationException("to", "结束日期不能早于开始日期 / must not be before from");
        // The registry records relations that exist or existed. One dated ahead (usually a typo) would count as ongoing
        // for every draw from now on; a planned one is recorded when it begins.
        var today = Projects.Project.ReviewDateOf(now);
        if (from is { } start && start > today)
            throw new DomainValidationException("from", $"开始日期不能晚于今天（北京时间 {today:yyyy-MM-dd}），关系开始后再登记 / must not be after today ({today:yyyy-MM-dd}, China time): record a relation once it has begun");
        if (to is { } end && end > today)
            throw new DomainValidationException("to", EndAhead(today));
        return new ExpertRelation
        {
            Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)),
            ExpertId = expertId,
            OrganisationId = organisationId,
            Kind = kind,
            From = from,
            To = to,
            Note = Guard.Optional(note, "note", NoteMax),
            RecordedBy = actor,
            RecordedAt = now,
            EndedAt = to is null ? null : now,
            EndedBy = to is null ? null : actor,
        };
    }

    private static string EndAhead(DateOnly today) =>
        $"结束日期不能晚于今天（北京时间 {today:yyyy-MM-dd}）：关系结束后再登记结束 / must not be after today ({today:yyyy-MM-dd}, China time): a relation is ongoing until it has ended, record the end then";

    /// <summary>Closes an ongoing relation on <paramref name="to"/>. The row stays: the 回避 look-back needs it.</summary>
    public void End(DateOnly to, string? note, string actor, DateTime now)
    {
        if (To is not null)
            throw new DomainConflictException($"该关系已结束 / The relation already ended on {To:yyyy-MM-dd}.");
        if (!Guard.IsPlausible(to))
            throw new DomainValidationException("to", Guard.DateRange);
        if (From is { } f && to < f)
            throw new DomainValidationException("to", "结束日期不能早于开始日期 / must not be before from");
        // Ended means it has ended: a relation still running until a planned date is ongoing until then.
        var today = Projects.Project.ReviewDateOf(now);
        if (to > today)
            throw new DomainValidationException("to", EndAhead(today));
        To = to;
        EndedAt = now;
        EndedBy = actor;
        if (Guard.Optional(note, "note", NoteMax) is { } n)
            Note = Note is null ? n : Guard.Optional($"{Note}; {n}", "note", NoteMax);
    }
}

/// <summary>Where a declared conflict came from.</summary>
public enum DeclaredConflictSource
{
    /// <summary>The expert declared it (at registration, yearly re-confirmation or any time).</summary>
    SelfDeclared = 0,
    /// <summary>The expert declined an invitation because of a conflict with a party.</summary>
    DeclinedInvitation = 1,
}

/// <summary>A conflict the expert declared with an organisation. Kept forever; it excludes the expert from that organisation's projects.</summary>
public sealed class DeclaredConflict
{
    public const int ReasonMax = 500;

    private DeclaredConflict()
    {
    }

    public Guid Id { get; private set; }
    public Guid ExpertId { get; private set; }
    public Guid OrganisationId { get; private set; }
    public string Reason { get; private set; } = "";
    public DateTime DeclaredAt { get; private set; }
    public DeclaredConflictSource Source { get; private set; }

    /// <summary>The panel request whose invitation was declined (for <see cref="DeclaredConflictSource.DeclinedInvitation"/>).</summary>
    public Guid? PanelRequestId { get; private set; }

    public string RecordedBy { get; private set; } = "";

    public static DeclaredConflict SelfDeclared(Guid expertId, Guid organisationId, string? reason, string actor, DateTime now) =>
        Create(expertId, organisationId, reason, DeclaredConflictSource.SelfDeclared, null, actor, now);

    /// <summary>Records the conflict an expert gave when declining an invitation (the invitation flow calls this).</summary>
    public static DeclaredConflict FromDeclinedInvitation(Guid expertId, Guid organisationId, Guid panelRequestId, string? reason, string actor, DateTime now) =>
        Create(expertId, organisationId, reason, DeclaredConflictSource.DeclinedInvitation, panelRequestId, actor, now);

    private static DeclaredConflict Create(Guid expertId, Guid organisationId, string? reason, DeclaredConflictSource source, Guid? panelRequestId, string actor, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)),
        ExpertId = expertId,
        OrganisationId = organisationId,
        Reason = Guard.Required(reason, "reason", ReasonMax),
        DeclaredAt = now,
        Source = source,
        PanelRequestId = panelRequestId,
        RecordedBy = actor,
    };
}
