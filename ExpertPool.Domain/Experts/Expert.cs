using ExpertPool.Domain.Common;
using ExpertPool.Domain.Organisations;
using ExpertPool.Domain.Specialties;

namespace ExpertPool.Domain.Experts;

/// <summary>An expert in the pool. Never hard-deleted: leaving the pool is a status change with a reason.</summary>
public sealed class Expert
{
    private readonly List<ExpertSpecialty> _specialties = [];
    private readonly List<AvailabilityBlackout> _blackouts = [];
    private readonly List<ExpertStatusChange> _statusHistory = [];
    private readonly List<ExpertChange> _changes = [];

    private Expert()
    {
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public string IdNumber { get; private set; } = "";
    public Gender Gender { get; private set; }
    public int BirthYear { get; private set; }
    public Guid EmployerId { get; private set; }
    public Organisation? Employer { get; private set; }
    public string Title { get; private set; } = "";
    public TitleGrade TitleGrade { get; private set; }
    public string RegionCode { get; private set; } = "";
    public string Email { get; private set; } = "";
    public string NormalizedEmail { get; private set; } = "";
    public string Phone { get; private set; } = "";
    public string PreferredLanguage { get; private set; } = "zh-CN";
    public JoinChannel JoinChannel { get; private set; }
    public ExpertStatus Status { get; private set; }
    public DateOnly? TermStart { get; private set; }
    public DateOnly? TermEnd { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>Optimistic concurrency token, exposed as the ETag. Bumped by every change.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<ExpertSpecialty> Specialties => _specialties;
    public IReadOnlyList<AvailabilityBlackout> Blackouts => _blackouts;
    public IReadOnlyList<ExpertStatusChange> StatusHistory => _statusHistory;

    /// <summary>Registry history entries added to this instance (decision 026); to read the history, query <c>ExpertChanges</c>.</summary>
    public IReadOnlyList<ExpertChange> Changes => _changes;

    public static Expert Create(ExpertDraft draft, Organisation employer, IReadOnlyList<Specialty> specialties, string actor, DateTime now, ExpertStatus initialStatus = ExpertStatus.Applied)
    {
        var expert = new Expert
        {
            Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)),
            Status = initialStatus,
            CreatedAt = now,
            Version = 1,
        };
        expert.Apply(draft, employer, specialties, now);
        expert._changes.Add(ExpertChange.Of(expert, ExpertChangeKind.Created, ExpertChange.State.Of(expert, specialties.Select(s => s.Code)), null, actor, now));
        expert._statusHistory.Add(new ExpertStatusChange(expert.Id, null, initialStatus, initialStatus == ExpertStatus.Applied ? "收到申请 / application received" : "管理员录入 / registered by administrator", actor, now));
        return expert;
    }

    /// <summary>
    /// Applies an edit. When it changes any recorded field, the new state is kept in the history with the fields it
    /// changed, <paramref name="actor"/> and the time (decision 026). The specialties must have been loaded with their
    /// <see cref="ExpertSpecialty.Specialty"/>, whose codes the history compares.
    /// </summary>
    public void Update(ExpertDraft draft, Organisation employer, IReadOnlyList<Specialty> specialties, string actor, DateTime now)
    {
        var before = ExpertChange.State.Of(this, _specialties.Select(s => s.Specialty?.Code
            ?? throw new InvalidOperationException("Load the expert's specialties with their Specialty before updating it (the history compares codes).")));
        Apply(draft, employer, specialties, now);
        Version++;
        var after = ExpertChange.State.Of(this, specialties.Select(s => s.Code));
        if (after.Differences(before).Any())
            _changes.Add(ExpertChange.Of(this, ExpertChangeKind.Updated, after, before, actor, now));
    }

    private void Apply(ExpertDraft draft, Organisation employer, IReadOnlyList<Specialty> specialties, DateTime now)
    {
        Name = draft.Name;
        IdNumber = draft.IdNumber;
        Gender = draft.Gender;
        BirthYear = draft.BirthYear;
        EmployerId = employer.Id;
        Employer = employer;
        Title = draft.Title;
        TitleGrade = draft.TitleGrade;
        RegionCode = draft.RegionCode;
        Email = draft.Email;
        NormalizedEmail = NormalizeEmail(draft.Email);
        Phone = draft.Phone;
        PreferredLanguage = draft.PreferredLanguage;
        JoinChannel = draft.JoinChannel;
        TermStart = draft.TermStart;
        TermEnd = draft.TermEnd;
        UpdatedAt = now;

        var wanted = specialties.Select(s => s.Id).ToHashSet();
        _specialties.RemoveAll(s => !wanted.Contains(s.SpecialtyId));
        foreach (var s in specialties)
        {
            if (!_specialties.Exists(x => x.SpecialtyId == s.Id))
                _specialties.Add(new ExpertSpecialty(Id, s.Id, RegionCode));
        }
        foreach (var s in _specialties)
            s.FollowRegion(RegionCode);

        _blackouts.Clear();
        foreach (var b in draft.Blackouts)
            _blackouts.Add(new AvailabilityBlackout(Id, b.From, b.To, b.Reason?.Trim()));
    }

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    private static readonly Dictionary<ExpertStatus, ExpertStatus[]> AllowedTransitions = new()
    {
        [ExpertStatus.Applied] = [ExpertStatus.Active, ExpertStatus.Removed],
        [ExpertStatus.Active] = [ExpertStatus.Suspended, ExpertStatus.Removed, ExpertStatus.Retired],
        [ExpertStatus.Suspended] = [ExpertStatus.Active, ExpertStatus.Removed, ExpertStatus.Retired],
        [ExpertStatus.Retired] = [ExpertStatus.Active],
        [ExpertStatus.Removed] = [],
    };

    public static bool CanTransition(ExpertStatus from, ExpertStatus to) => AllowedTransitions[from].Contains(to);

    /// <summary>Moves the expert along the lifecycle; the reason is mandatory and kept in the history.</summary>
    public ExpertStatusChange ChangeStatus(ExpertStatus target, string? reason, string actor, DateTime now)
    {
        var why = Guard.Required(reason, "reason", ExpertStatusChange.ReasonMax);
        if (target == Status)
            throw new DomainConflictException($"专家已处于该状态 / The expert is already {target}.");
        if (!CanTransition(Status, target))
            throw new DomainConflictException($"不允许从「{ExpertVocabulary.Label(Status)}」变为「{ExpertVocabulary.Label(target)}」 / An expert cannot go from {Status} to {target}.");
        var change = new ExpertStatusChange(Id, Status, target, why, actor, now);
        _statusHistory.Add(change);
        Status = target;
        UpdatedAt = now;
        Version++;
        return change;
    }
}

public sealed class ExpertSpecialty
{
    private ExpertSpecialty()
    {
    }

    internal ExpertSpecialty(Guid expertId, int specialtyId, string regionCode)
    {
        ExpertId = expertId;
        SpecialtyId = specialtyId;
        RegionCode = regionCode;
    }

    public Guid ExpertId { get; private set; }
    public int SpecialtyId { get; private set; }

    /// <summary>
    /// A copy of the expert's region, kept equal by <see cref="Expert"/> whenever it changes, so the candidates of a
    /// region-bound quota come from the (SpecialtyId, RegionCode, ExpertId) index alone instead of one probe of the
    /// experts table per candidate.
    /// </summary>
    public string RegionCode { get; private set; } = "";
    public Specialty? Specialty { get; private set; }

    internal void FollowRegion(string regionCode) => RegionCode = regionCode;
}

/// <summary>A period when the expert cannot take engagements (inclusive dates).</summary>
public sealed class AvailabilityBlackout
{
    private AvailabilityBlackout()
    {
    }

    internal AvailabilityBlackout(Guid expertId, DateOnly from, DateOnly to, string? reason)
    {
        Id = Guid.CreateVersion7();
        ExpertId = expertId;
        From = from;
        To = to;
        Reason = string.IsNullOrEmpty(reason) ? null : reason;
    }

    public Guid Id { get; private set; }
    public Guid ExpertId { get; private set; }
    public DateOnly From { get; private set; }
    public DateOnly To { get; private set; }
    public string? Reason { get; private set; }
}

/// <summary>One step in an expert's lifecycle, kept forever.</summary>
public sealed class ExpertStatusChange
{
    public const int ReasonMax = 500;

    private ExpertStatusChange()
    {
    }

    internal ExpertStatusChange(Guid expertId, ExpertStatus? from, ExpertStatus to, string reason, string actor, DateTime at)
    {
        Id = Guid.CreateVersion7();
        ExpertId = expertId;
        FromStatus = from;
        ToStatus = to;
        Reason = reason;
        Actor = actor;
        ChangedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid ExpertId { get; private set; }
    public ExpertStatus? FromStatus { get; private set; }
    public ExpertStatus ToStatus { get; private set; }
    public string Reason { get; private set; } = "";
    public string Actor { get; private set; } = "";
    public DateTime ChangedAt { get; private set; }
}
