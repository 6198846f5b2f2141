using System.Globalization;
using System.Text;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Domain.Conflicts;

/// <summary>
/// The eligible experts of each quota of a panel request as one plain SQL statement: each quota's candidates
/// <c>EXCEPT</c> the union of every rule's violators, with no evidence, no reasons and no record. It is not used by the
/// draw. It is the draw benchmark's "bare query that reads the same eligible ids" (decision 038), and, because it states
/// the rules a second time in a different form (set algebra in the database instead of
/// <see cref="EligibilityService"/>'s per-rule reads), the tests compare the two on data that exercises every rule.
/// </summary>
public static class EligiblePoolsQuery
{
    private static readonly string[] Governance = [nameof(RelationKind.Director), nameof(RelationKind.Supervisor), nameof(RelationKind.ControllingShareholder), nameof(RelationKind.ActualController)];
    private static readonly string[] DisputeOrInvestment = [nameof(RelationKind.LegalDispute), nameof(RelationKind.Investment)];

    /// <summary>Each quota's eligible expert ids (unordered), by quota key, under the rule set the evaluation would apply now.</summary>
    public static async Task<Dictionary<string, List<Guid>>> ReadAsync(ExpertPoolDbContext db, Guid panelRequestId, CancellationToken ct)
    {
        var request = await db.PanelRequests.AsNoTracking().Include(r => r.Quotas).FirstOrDefaultAsync(r => r.Id == panelRequestId, ct)
            ?? throw new NotFoundException("Panel request", panelRequestId);
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == request.ProjectId, ct);
        var pinned = ConflictRuleSets.PinnedBy(await db.DrawEntropies.AsNoTracking().InEntryOrder(panelRequestId).ToListAsync(ct));
        var ruleSet = pinned is { } id
            ? await db.ConflictRuleSets.AsNoTracking().FirstAsync(r => r.Id == id, ct)
            : await ConflictRuleSets.CurrentAsync(db, project.EngagementType, ct);
        var quotas = request.Quotas.OrderBy(q => q.Position).ToList();
        var (with, parameters) = Excluded(ruleSet.Settings, request.Id, project.Id, project.ReviewDate, project.RegionCode);
        var parts = quotas.Select(q => Candidates(q.SpecialtyCode, q.RegionCode, parameters)).ToList();
        var lists = await IdRowReader.ReadIdListsAsync(db, with, parts, "\"Id\"", parameters, ct);
        return quotas.Select((q, i) => (q.Key, Ids: lists[i])).ToDictionary(x => x.Key, x => x.Ids, StringComparer.Ordinal);
    }

    /// <summary>"FROM …" giving one quota's eligible ids as column "Id": its candidates except the excluded.</summary>
    private static string Candidates(string specialtyCode, string? regionCode, List<object> parameters)
    {
        var code = Add(parameters, specialtyCode);
        var region = "";
        if (regionCode is not null)
        {
            var r = Add(parameters, regionCode);
            region = $"""
                 AND "RegionCode" IN (SELECT "Code" FROM "regions" WHERE "Code" = {r} OR "ParentCode" = {r})
                """;
        }
        return $"""
            FROM (SELECT "ExpertId" AS "Id" FROM "expert_specialties"
                  WHERE "SpecialtyId" IN (SELECT s."Id" FROM "specialties" s JOIN "specialties" r ON r."Code" = {code} AND substr(s."Path", 1, length(r."Path")) = r."Path"){region}
                  EXCEPT SELECT "Id" FROM "excluded") AS "pool"
            """;
    }

    /// <summary>The WITH clause: the parties' units and every rule's violators as one materialised set "excluded".</summary>
    private static (string With, List<object> Parameters) Excluded(ConflictRuleSettings s, Guid requestId, Guid projectId, DateOnly day, string? projectRegion)
    {
        var p = new List<object>();
        var project = Add(p, projectId);
        var onDay = Add(p, day);
        var parts = new List<string>();
        if (s.StatusAndTerm)
        {
            var notActive = string.Join(", ", Enum.GetNames<ExpertStatus>().Where(x => x != nameof(ExpertStatus.Active)).Select(x => Add(p, x)));
            parts.Add($"""SELECT "Id" FROM "experts" WHERE "Status" IN ({notActive})""");
            parts.Add($"""SELECT "Id" FROM "experts" WHERE "TermEnd" < {onDay} OR "TermStart" > {onDay}""");
        }
        // Relations with the parties' units: ongoing, or ended on or after the rule's cutoff.
        string Relations(IEnumerable<string> kinds, int? years)
        {
            var list = string.Join(", ", kinds.Select(k => Add(p, k)));
            var ended = years is { } n ? $""" OR "To" >= {Add(p, day.AddYears(-n))}""" : "";
            return $"""SELECT "ExpertId" FROM "expert_relations" WHERE "OrganisationId" IN (SELECT "Id" FROM "units") AND "Kind" IN ({list}) AND ("To" IS NULL{ended})""";
        }
        parts.Add(Relations([nameof(RelationKind.Employment)], s.LabourRelationYears));
        parts.Add(Relations(Governance, s.GovernanceRelationYears));
        if (s.FamilyRelation)
            parts.Add(Relations([nameof(RelationKind.FamilyOfLegalRepresentative)], null));
        if (s.DisputeOrInvestment)
            parts.Add(Relations(DisputeOrInvestment, s.DisputeOrInvestmentYears));
        if (s.PriorInvolvement)
            parts.Add($"""SELECT "ExpertId" FROM "project_preparers" WHERE "ProjectId" = {project}""");
        if (s.SameOrganisation)
        {
            parts.Add("""SELECT "Id" FROM "experts" WHERE "EmployerId" IN (SELECT "Id" FROM "units")""");
            parts.Add(Relations([nameof(RelationKind.Employment), nameof(RelationKind.Other)], null));
        }
        if (s.WorkloadCapPer12Months > 0)
        {
            var cap = s.WorkloadCapPer12Months;
            var since = day.AddMonths(-12);
            int[] years = since.AddDays(1).Year == day.Year ? [day.Year] : [since.AddDays(1).Year, day.Year];
            var threshold = (cap + years.Length - 1) / years.Length;
            var yearList = string.Join(", ", years.Select(y => Add(p, y)));
            parts.Add($"""
                SELECT "ExpertId" FROM "expert_engagements"
                WHERE "ExpertId" IN (SELECT "ExpertId" FROM "expert_engagement_years" WHERE "Year" IN ({yearList}) AND "Count" >= {Add(p, threshold)})
                  AND "ReviewDate" > {Add(p, since)} AND "ReviewDate" <= {onDay}
                GROUP BY "ExpertId" HAVING count(*) >= {Add(p, cap)}
                """);
        }
        if (s.CooldownMonthsSameApplicant > 0)
        {
            var (since, until) = (Add(p, day.AddMonths(-s.CooldownMonthsSameApplicant)), Add(p, day.AddMonths(s.CooldownMonthsSameApplicant)));
            string Window(string t) => $"""{t}"ReviewDate" > {since} AND {t}"ReviewDate" < {until} AND {t}"ProjectId" <> {project}""";
            parts.Add($"""SELECT "ExpertId" FROM "expert_engagements" WHERE "ApplicantOrganisationId" IN (SELECT "Id" FROM "applicant_units") AND {Window("")}""");
            // Projects with another applicant as well: their engagements may store that one.
            // CROSS JOIN: SQLite then starts from these (usually no) projects instead of the window's engagements.
            parts.Add($"""
                SELECT e."ExpertId" FROM (SELECT DISTINCT a."ProjectId" FROM "project_parties" a JOIN "project_parties" o ON o."ProjectId" = a."ProjectId" AND o."Role" = 'Applicant' AND o."OrganisationId" <> a."OrganisationId"
                                          WHERE a."Role" = 'Applicant' AND a."OrganisationId" IN (SELECT "Id" FROM "applicant_units")) AS "shared"
                CROSS JOIN "expert_engagements" e
                WHERE e."ProjectId" = "shared"."ProjectId" AND {Window("e.")}
                """);
        }
        if (s.RegionAvoidance && projectRegion is not null)
        {
            var code = Add(p, projectRegion);
            parts.Add($"""
                SELECT "Id" FROM "experts" WHERE "RegionCode" IN (
                    SELECT "Code" FROM "regions" WHERE "Code" = {code} OR "ParentCode" = {code}
                    UNION SELECT "ParentCode" FROM "regions" WHERE "Code" = {code} AND "ParentCode" IS NOT NULL)
                """);
        }
        if (s.Availability)
            parts.Add($"""SELECT "ExpertId" FROM "availability_blackouts" WHERE "From" <= {onDay} AND "To" >= {onDay}""");
        if (s.DeclaredConflicts)
            parts.Add("""SELECT "ExpertId" FROM "declared_conflicts" WHERE "OrganisationId" IN (SELECT "Id" FROM "units")""");
        var request = Add(p, requestId);
        if (s.ManualExclusions)
            parts.Add($"""SELECT "ExpertId" FROM "manual_exclusions" WHERE "PanelRequestId" = {request}""");
        parts.Add($"""SELECT "ExpertId" FROM "invitations" WHERE "ProjectId" = {project} AND "PanelRequestId" <> {request} AND "Status" <> 'Skipped'""");
        // The backups of the project's other draws (not withdrawn) who have not been reached yet.
        parts.Add($"""
            SELECT s."ExpertId" FROM "draw_selections" s JOIN "draw_records" d ON d."Id" = s."DrawRecordId"
            WHERE d."ProjectId" = {project} AND d."PanelRequestId" <> {request} AND d."Outcome" = 'Succeeded' AND s."Role" = 'Backup'
              AND NOT EXISTS (SELECT 1 FROM "draw_withdrawals" w WHERE w."DrawRecordId" = d."Id")
              AND NOT EXISTS (SELECT 1 FROM "invitations" i WHERE i."DrawRecordId" = d."Id" AND i."ExpertId" = s."ExpertId")
            """);

        // A unit is a party or any organisation record sharing a name or alias with one (回避 follows the unit).
        static string Units(string parties) => $"""
            SELECT "Id" FROM "organisations" WHERE "Id" IN ({parties}) OR "Name" IN (SELECT "Name" FROM "organisations" WHERE "Id" IN ({parties}) UNION SELECT "Name" FROM "organisation_aliases" WHERE "OrganisationId" IN ({parties}))
            UNION SELECT "OrganisationId" FROM "organisation_aliases" WHERE "Name" IN (SELECT "Name" FROM "organisations" WHERE "Id" IN ({parties}) UNION SELECT "Name" FROM "organisation_aliases" WHERE "OrganisationId" IN ({parties}))
            """;
        var with = new StringBuilder();
        with.Append(CultureInfo.InvariantCulture, $"""
            WITH "units" AS MATERIALIZED ({Units($"""SELECT "OrganisationId" FROM "project_parties" WHERE "ProjectId" = {project}""")}),
            "applicant_units" AS MATERIALIZED ({Units($"""SELECT "OrganisationId" FROM "project_parties" WHERE "ProjectId" = {project} AND "Role" = 'Applicant'""")}),
            "excluded" AS MATERIALIZED (
            """);
        with.AppendJoin("\nUNION ALL\n", parts);
        with.Append(")\n");
        return (with.ToString(), p);
    }

    /// <summary>Adds a parameter and returns its name.</summary>
    private static string Add(List<object> parameters, object value)
    {
        parameters.Add(value);
        return IdRowReader.Parameter(parameters.Count - 1);
    }
}
