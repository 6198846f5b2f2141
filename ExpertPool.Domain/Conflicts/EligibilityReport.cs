using ExpertPool.Domain.Draws.Algorithm;

namespace ExpertPool.Domain.Conflicts;

/// <summary>Stable codes of the eligibility rules, as they appear in reports and draw records.</summary>
public static class ConflictRuleCodes
{
    public const string LabourRelation = "labour-relation";
    public const string GovernanceRelation = "governance-relation";
    public const string FamilyRelation = "family-relation";
    public const string DisputeOrInvestment = "dispute-or-investment";
    public const string PriorInvolvement = "prior-involvement";
    public const string SameOrganisation = "same-organisation";
    public const string WorkloadCap = "workload-cap";
    public const string Cooldown = "cooldown";
    public const string RegionAvoidance = "region-avoidance";
    public const string Unavailable = "unavailable";
    public const string Status = "status";
    public const string TermExpired = "term-expired";
    public const string DeclaredConflict = "declared-conflict";
    public const string ManualExclusion = "manual-exclusion";

    /// <summary>Invited for an earlier request of the same project: a supplementary draw (补抽) never re-draws them. Always applied.</summary>
    public const string AlreadyInvited = "already-invited";

    /// <summary>Report order of the rules: statutory 回避 first, then practice rules, then the expert's and the administrator's.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        LabourRelation, GovernanceRelation, FamilyRelation, DisputeOrInvestment, PriorInvolvement, SameOrganisation,
        WorkloadCap, Cooldown, RegionAvoidance, Unavailable, Status, TermExpired, DeclaredConflict, ManualExclusion, AlreadyInvited,
    ];
}

/// <summary>
/// Who may be drawn for a panel request and why everybody else may not. <see cref="Quotas"/>' eligible ids are the pool the
/// draw freezes; <see cref="RuleSetVersion"/> is the version the draw records.
/// </summary>
public sealed record EligibilityReport(
    Guid PanelRequestId,
    Guid RuleSetId,
    string RuleSetScope,
    int RuleSetVersion,
    DateTime EvaluatedAt,
    DateOnly ReviewDate,
    IReadOnlyList<QuotaEligibility> Quotas,
    IReadOnlyList<ExcludedExpert> Exclusions,
    IReadOnlyList<PartyUnit> Parties)
{
    /// <summary>The eligible pool per quota in fill order, as <see cref="DrawAlgorithm"/> takes it.</summary>
    public IReadOnlyList<QuotaPool> ToDrawPools() => Quotas.Select(q => new QuotaPool(q.Key, q.EligibleExpertIds)).ToList();
}

/// <param name="EligibleExpertIds">Lowercase "D" GUID strings, sorted ordinal.</param>
public sealed record QuotaEligibility(
    string Key,
    string SpecialtyCode,
    string? RegionCode,
    int Count,
    int Backups,
    int CandidateCount,
    int EligibleCount,
    IReadOnlyList<string> EligibleExpertIds);

/// <summary>A candidate of at least one quota who is not eligible, with every rule that excluded them.</summary>
/// <param name="ExpertName">Null in the report a draw freezes (<see cref="EligibilityService.EvaluateForDrawAsync"/>), which does not read names.</param>
public sealed record ExcludedExpert(Guid ExpertId, string? ExpertName, IReadOnlyList<string> QuotaKeys, IReadOnlyList<ExclusionReason> Reasons);

/// <param name="Rule">One of <see cref="ConflictRuleCodes"/>.</param>
/// <param name="Evidence">Human-readable, Chinese then English.</param>
/// <param name="ProjectId">
/// Another project whose panel the evidence reveals: the project an earlier engagement was for (cooldown), or the one
/// whose invitation the expert declined with this conflict. A record holding such a reason stays sealed for
/// non-administrators until that project's review starts too (decision 028).
/// </param>
public sealed record ExclusionReason(string Rule, string Evidence, Guid? ProjectId = null);

/// <summary>
/// A party to the project as the relation rules matched it: its names (the record's own and its aliases) and every other
/// organisation record that shares one of them, which the rules treat as the same unit. Sorted by organisation id; the
/// names and records within it too.
/// </summary>
public sealed record PartyUnit(Guid OrganisationId, string Name, string CreditCode, Projects.PartyRole Role, IReadOnlyList<string> Aliases, IReadOnlyList<SameUnitRecord> SameUnitRecords);

/// <summary>Another organisation record sharing a name or alias with a party (so the same unit), with the names it matched by.</summary>
public sealed record SameUnitRecord(Guid OrganisationId, string Name, string CreditCode, IReadOnlyList<string> MatchedNames);
