using System.Text.RegularExpressions;
using ExpertPool.Domain.Common;

namespace ExpertPool.Domain.Projects;

/// <summary>What the experts are engaged for; a rule set can be specific to one type.</summary>
public enum EngagementType
{
    /// <summary>项目评审.</summary>
    ProjectReview = 0,
    /// <summary>项目验收.</summary>
    AcceptanceCheck = 1,
    /// <summary>规划.</summary>
    Planning = 2,
    /// <summary>政策研究.</summary>
    PolicyResearch = 3,
    /// <summary>技术咨询.</summary>
    TechnicalConsulting = 4,
    /// <summary>标准起草.</summary>
    StandardDrafting = 5,
    /// <summary>评优 (达标评优).</summary>
    AwardEvaluation = 6,
}

/// <summary>The role of an organisation in a project; every role counts for 回避, only applicants for the cooldown.</summary>
public enum PartyRole
{
    Applicant = 0,
    Partner = 1,
    Supplier = 2,
    Other = 3,
}

/// <summary>One organisation taking part in a project.</summary>
public sealed record ProjectPartyInput(Guid OrganisationId, PartyRole Role);

/// <summary>An expert who took part in preparing the project (application, tender documents, test reports).</summary>
public sealed record ProjectPreparerInput(Guid ExpertId, string? Note);

/// <summary>Checked project fields, before references are resolved against the database.</summary>
public sealed record ProjectDraft(
    string Code,
    string Name,
    EngagementType EngagementType,
    DateTime ReviewStartsAt,
    string Place,
    string? RegionCode,
    IReadOnlyList<ProjectPartyInput> Parties,
    IReadOnlyList<ProjectPreparerInput> Preparers);

/// <summary>
/// A project that needs an expert panel. Experts see <see cref="Code"/> until they confirm, never the name.
/// </summary>
public sealed partial class Project
{
    public const int NameMax = 200;
    public const int PlaceMax = 200;
    public const int NoteMax = 200;

    /// <summary>The review date for every date-based rule is the review start in China Standard Time (UTC+8).</summary>
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    private readonly List<ProjectParty> _parties = [];
    private readonly List<ProjectPreparer> _preparers = [];

    private Project()
    {
    }

    public Guid Id { get; private set; }
    public string Code { get; private set; } = "";
    public string Name { get; private set; } = "";
    public EngagementType EngagementType { get; private set; }
    public DateTime ReviewStartsAt { get; private set; }
    public string Place { get; private set; } = "";

    /// <summary>Region (city or province) of the place of review; region avoidance compares experts' regions with it.</summary>
    public string? RegionCode { get; private set; }

    public string CreatedBy { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>1 when created, one more per update; a concurrency token, shown as the ETag ("v3").</summary>
    public int Version { get; private set; }

    public IReadOnlyList<ProjectParty> Parties => _parties;
    public IReadOnlyList<ProjectPreparer> Preparers => _preparers;

    public DateOnly ReviewDate => ReviewDateOf(ReviewStartsAt);

    public static DateOnly ReviewDateOf(DateTime reviewStartsAtUtc) => DateOnly.FromDateTime(reviewStartsAtUtc.Add(ChinaStandardTime));

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{1,31}$")]
    private static partial Regex CodePattern();

    /// <summary>Checks the fields that need no database; every bad field is reported at once.</summary>
    public static ProjectDraft Check(string? code, string? name, string? engagementType, DateTime? reviewStartsAt, string? place, string? regionCode,
        IReadOnlyList<ProjectPartyInput>? parties, IReadOnlyList<ProjectPreparerInput>? preparers, DateTime now)
    {
        var errors = new Dictionary<string, string[]>();
        var c = code?.Trim().ToUpperInvariant() ?? "";
        if (!CodePattern().IsMatch(c))
            errors["code"] = ["项目编号格式不正确 / must be 2-32 characters of A-Z, 0-9 and '-', e.g. XM-2026-0012"];
        var n = name?.Trim() ?? "";
        if (n.Length is 0 or > NameMax)
            errors["name"] = [$"必填，不超过 {NameMax} 个字符 / is required, at most {NameMax} characters"];
        else if (Guard.TextProblem(n, singleLine: true) is { } nameProblem)
            errors["name"] = [nameProblem];
        EngagementType type = default;
        if (!TryParseEngagementType(engagementType, out type))
            errors["engagementType"] = [$"业务类型不正确，须为以下之一：{string.Join("、", Enum.GetNames<EngagementType>())} / must be one of {string.Join(", ", Enum.GetNames<EngagementType>())}"];
        var starts = reviewStartsAt.HasValue ? reviewStartsAt.Value.ToUniversalTime() : default;
        if (reviewStartsAt is null)
            errors["reviewStartsAt"] = ["必填 / is required"];
        else if (Guard.LacksOffset(reviewStartsAt))
            errors["reviewStartsAt"] = [Guard.OffsetRequired];
        else if (starts <= now)
            errors["reviewStartsAt"] = ["评审时间不能早于当前时间 / must be in the future"];
        else if (starts > now.AddYears(3))
            errors["reviewStartsAt"] = ["评审时间须在三年以内 / must be within three years"];
        var p = place?.Trim() ?? "";
        if (p.Length is 0 or > PlaceMax)
            errors["place"] = [$"必填，不超过 {PlaceMax} 个字符 / is required, at most {PlaceMax} characters"];
        else if (Guard.TextProblem(p, singleLine: true) is { } placeProblem)
            errors["place"] = [placeProblem];
        var region = string.IsNullOrWhiteSpace(regionCode) ? null : regionCode.Trim();
        if (region is not null && (region.Length != 6 || !region.All(char.IsAsciiDigit)))
            errors["regionCode"] = ["必须为6位行政区划代码 / must be a 6-digit administrative division code"];
        var partyList = parties ?? [];
        for (var i = 0; i < partyList.Count; i++)
        {
            if (!Enum.IsDefined(partyList[i].Role))
                errors[$"parties[{i}].role"] = ["参与方角色不正确 / must be one of Applicant, Partner, Supplier, Other"];
            if (partyList.Take(i).Any(x => x.OrganisationId == partyList[i].OrganisationId))
                errors[$"parties[{i}].organisationId"] = ["重复 / is listed twice"];
        }
        var preparerList = preparers ?? [];
        for (var i = 0; i < preparerList.Count; i++)
        {
            if (preparerList.Take(i).Any(x => x.ExpertId == preparerList[i].ExpertId))
                errors[$"preparers[{i}].expertId"] = ["重复 / is listed twice"];
            if (preparerList[i].Note?.Trim().Length > NoteMax)
                errors[$"preparers[{i}].note"] = [$"不能超过 {NoteMax} 个字符 / must be at most {NoteMax} characters"];
            else if (preparerList[i].Note is { } note && Guard.TextProblem(note.Trim(), singleLine: false) is { } noteProblem)
                errors[$"preparers[{i}].note"] = [noteProblem];
        }
        if (errors.Count > 0)
            throw new DomainValidationException(errors);
        return new ProjectDraft(c, n, type, starts, p, region, partyList, preparerList);
    }

    public static bool TryParseEngagementType(string? value, out EngagementType type)
    {
        return EnumNames.TryParse(value, out type);
    }

    public static Project Create(ProjectDraft draft, string actor, DateTime now)
    {
        var project = new Project
        {
            Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)),
            CreatedBy = actor,
            CreatedAt = now,
            Version = 1,
        };
        project.Apply(draft, now);
        return project;
    }

    /// <summary>
    /// Replaces the project's data, if the caller edited the current version (else 412: someone else changed it since
    /// it was read). The caller checks that no draw has happened for it.
    /// </summary>
    public void Update(ProjectDraft draft, int expectedVersion, DateTime now)
    {
        if (expectedVersion != Version)
            throw new PreconditionFailedException($"项目已被他人修改（当前版本 {Version}，提交的版本 {expectedVersion}），请刷新后重试 / The project was changed by someone else (version {Version}, you sent {expectedVersion}).");
        Apply(draft, now);
        Version++;
    }

    private void Apply(ProjectDraft draft, DateTime now)
    {
        Code = draft.Code;
        Name = draft.Name;
        EngagementType = draft.EngagementType;
        ReviewStartsAt = draft.ReviewStartsAt;
        Place = draft.Place;
        RegionCode = draft.RegionCode;
        UpdatedAt = now;

        _parties.RemoveAll(p => !draft.Parties.Any(d => d.OrganisationId == p.OrganisationId));
        foreach (var d in draft.Parties)
        {
            var existing = _parties.Find(p => p.OrganisationId == d.OrganisationId);
            if (existing is null)
                _parties.Add(new ProjectParty(Id, d.OrganisationId, d.Role));
            else
                existing.Role = d.Role;
        }
        _preparers.RemoveAll(p => !draft.Preparers.Any(d => d.ExpertId == p.ExpertId));
        foreach (var d in draft.Preparers)
        {
            var note = string.IsNullOrWhiteSpace(d.Note) ? null : d.Note.Trim();
            var existing = _preparers.Find(p => p.ExpertId == d.ExpertId);
            if (existing is null)
                _preparers.Add(new ProjectPreparer(Id, d.ExpertId, note));
            else
                existing.Note = note;
        }
    }
}

public sealed class ProjectParty
{
    private ProjectParty()
    {
    }

    internal ProjectParty(Guid projectId, Guid organisationId, PartyRole role)
    {
        ProjectId = projectId;
        OrganisationId = organisationId;
        Role = role;
    }

    public Guid ProjectId { get; private set; }
    public Guid OrganisationId { get; private set; }
    public PartyRole Role { get; internal set; }
}

public sealed class ProjectPreparer
{
    private ProjectPreparer()
    {
    }

    internal ProjectPreparer(Guid projectId, Guid expertId, string? note)
    {
        ProjectId = projectId;
        ExpertId = expertId;
        Note = note;
    }

    public Guid ProjectId { get; private set; }
    public Guid ExpertId { get; private set; }
    public string? Note { get; internal set; }
}
