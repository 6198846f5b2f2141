using System.Text.Json;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Projects;

namespace ExpertPool.Domain.Conflicts;

/// <summary>
/// The settings of one rule-set version. Stored as JSON text (docs/decisions/010-conflict-rules-as-versioned-json.md).
/// Years and months are look-back windows counted back from the review date; 0 turns a windowed practice rule off.
/// </summary>
public sealed record ConflictRuleSettings
{
    /// <summary>劳动关系 within N years (statutory: 1-20, cannot be turned off).</summary>
    public int LabourRelationYears { get; init; } = 3;

    /// <summary>Director, supervisor, controlling shareholder or actual controller within N years (statutory: 1-20).</summary>
    public int GovernanceRelationYears { get; init; } = 3;

    public bool DisputeOrInvestment { get; init; } = true;
    public int DisputeOrInvestmentYears { get; init; } = 3;
    public bool FamilyRelation { get; init; } = true;
    public bool PriorInvolvement { get; init; } = true;

    /// <summary>Current employer is a party (directly or through a shared name/alias), or an ongoing employment/other relation with one.</summary>
    public bool SameOrganisation { get; init; } = true;

    /// <summary>At most K confirmed engagements with a review date in the 12 months up to the review date; 0 = no cap.</summary>
    public int WorkloadCapPer12Months { get; init; } = 10;

    /// <summary>No engagement for the same applicant within N months before the review date; 0 = off.</summary>
    public int CooldownMonthsSameApplicant { get; init; } = 12;

    /// <summary>Exclude experts whose region is the project's region (a city, or a province with its cities).</summary>
    public bool RegionAvoidance { get; init; }

    /// <summary>Exclude experts with an availability blackout covering the review date.</summary>
    public bool Availability { get; init; } = true;

    /// <summary>Exclude experts not Active, or whose term of appointment does not cover the review date.</summary>
    public bool StatusAndTerm { get; init; } = true;

    public bool DeclaredConflicts { get; init; } = true;
    public bool ManualExclusions { get; init; } = true;

    public static ConflictRuleSettings Default { get; } = new();

    /// <summary>The rules no version may turn off, by their JSON field names.</summary>
    private IEnumerable<(string Field, bool On)> Mandatory() =>
    [
        ("disputeOrInvestment", DisputeOrInvestment),
        ("familyRelation", FamilyRelation),
        ("priorInvolvement", PriorInvolvement),
        ("sameOrganisation", SameOrganisation),
        ("statusAndTerm", StatusAndTerm),
        ("declaredConflicts", DeclaredConflicts),
        ("manualExclusions", ManualExclusions),
    ];

    /// <summary>The JSON names of the mandatory rules this version switches off (none for any version validated on creation).</summary>
    public IReadOnlyList<string> MandatoryOff() => Mandatory().Where(m => !m.On).Select(m => m.Field).ToList();

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ConflictRuleSettings FromJson(string json) => JsonSerializer.Deserialize<ConflictRuleSettings>(json, Json) ?? Default;

    /// <summary>Every bad value by field name (prefixed "settings.").</summary>
    public void Validate()
    {
        var errors = new Dictionary<string, string[]>();
        void Range(string field, int value, int min, int max)
        {
            if (value < min || value > max)
                errors[$"settings.{field}"] = [$"取值须在 {min} 至 {max} 之间 / must be between {min} and {max}"];
        }
        Range("labourRelationYears", LabourRelationYears, 1, 20);
        Range("governanceRelationYears", GovernanceRelationYears, 1, 20);
        Range("disputeOrInvestmentYears", DisputeOrInvestmentYears, 1, 20);
        Range("workloadCapPer12Months", WorkloadCapPer12Months, 0, 366);
        Range("cooldownMonthsSameApplicant", CooldownMonthsSameApplicant, 0, 120);
        // The statutory 回避 grounds, the registry's own state, the experts' declarations and the administrators' recorded
        // exclusions always apply: a rule set may tune windows and practice rules, never switch these off (decision 010).
        foreach (var (field, on) in Mandatory())
        {
            if (!on)
                errors[$"settings.{field}"] = ["法定回避规则，不能关闭 / is a mandatory 回避 rule and cannot be switched off"];
        }
        if (errors.Count > 0)
            throw new DomainValidationException(errors);
    }
}

/// <summary>
/// One immutable version of the 回避 and practice rules for a scope (one engagement type, or the default for all).
/// A change is a new row with the next version; a draw records the version it used.
/// </summary>
public sealed class ConflictRuleSet
{
    public const string DefaultScope = "default";
    public const int ReasonMax = 500;

    /// <summary>The version 1 default seeded by the migration, so a fresh database always has one.</summary>
    public static readonly Guid SeedId = new("0193a000-0000-7000-8000-000000000001");

    private ConflictRuleSet()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>"default" or the engagement type's name. The current version of a scope is its highest.</summary>
    public string Scope { get; private set; } = DefaultScope;

    public int Version { get; private set; }
    public EngagementType? EngagementType { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public string CreatedBy { get; private set; } = "";
    public string ChangeReason { get; private set; } = "";
    public ConflictRuleSettings Settings { get; private set; } = ConflictRuleSettings.Default;

    public static string ScopeOf(EngagementType? type) => type?.ToString() ?? DefaultScope;

    /// <summary>
    /// Refuses to apply a version that switches a mandatory rule off. New versions cannot (<see cref="ConflictRuleSettings.Validate"/>);
    /// a version stored before that check existed could, and is not applied as if the rule were on: its scope needs a new version.
    /// </summary>
    public void EnsureApplicable()
    {
        var off = Settings.MandatoryOff();
        if (off.Count > 0)
        {
            throw new DomainConflictException(
                $"规则版本 {Version}（{Scope}）关闭了法定回避规则（{string.Join(", ", off)}），请先发布新版本 / Rule-set version {Version} ({Scope}) switches off mandatory 回避 rules ({string.Join(", ", off)}); publish a new version of the {Scope} rules first.",
                new Dictionary<string, object?> { ["ruleSetId"] = Id, ["ruleSetVersion"] = Version, ["mandatoryRulesOff"] = off });
        }
    }

    /// <summary>Parses a scope from a route ("default" or an engagement type name, any case).</summary>
    public static EngagementType? ParseScope(string? scope)
    {
        if (string.Equals(scope?.Trim(), DefaultScope, StringComparison.OrdinalIgnoreCase))
            return null;
        if (Project.TryParseEngagementType(scope, out var type))
            return type;
        throw new DomainValidationException("scope", $"须为 default 或以下业务类型之一：{string.Join("、", Enum.GetNames<EngagementType>())} / must be 'default' or one of {string.Join(", ", Enum.GetNames<EngagementType>())}");
    }

    /// <summary>The next version. <paramref name="previousVersion"/> is the highest version of any scope (versions are numbered across scopes), 0 when none.</summary>
    public static ConflictRuleSet NewVersion(EngagementType? type, int previousVersion, ConflictRuleSettings? settings, string? changeReason, string actor, DateTime now)
    {
        var s = settings ?? throw new DomainValidationException("settings", "必填 / is required");
        s.Validate();
        return new ConflictRuleSet
        {
            Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)),
            Scope = ScopeOf(type),
            Version = previousVersion + 1,
            EngagementType = type,
            CreatedAt = now,
            CreatedBy = actor,
            ChangeReason = Guard.Required(changeReason, "changeReason", ReasonMax),
            Settings = s,
        };
    }
}
