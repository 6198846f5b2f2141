using System.Security.Claims;
using ExpertPool.Api.Draws;
using ExpertPool.Api.Security;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Api.Audit;

public sealed record SelectionCountDto(Guid ExpertId, string ExpertName, int Members, int Backups);

/// <summary>
/// Every attempt is counted (failed ones carry no panel, and the list of draws is open to auditors anyway).
/// <see cref="SealedDraws"/>: successful draws whose panel the caller may not see yet, left out of <see cref="Experts"/>.
/// </summary>
public sealed record SelectionStatisticsDto(int Draws, int SucceededDraws, int FailedDraws, int SealedDraws, IReadOnlyList<SelectionCountDto> Experts);

/// <summary>
/// One registry change inside a draw's entropy window. <see cref="PlaceInDraw"/>: where the changed expert stands in the
/// draw (<c>Member</c>, <c>Backup</c>, <c>Eligible</c>, <c>Excluded</c>, <c>NotCandidate</c>); null for an organisation's
/// change, and for every change while the panel is sealed for the caller or while the draw's exclusion reasons name
/// another project still sealed for the caller (decision 028).
/// </summary>
public sealed record WindowChangeDto(DateTime At, string Kind, Guid? ExpertId, string? ExpertName, Guid? OrganisationId, string? Actor, IReadOnlyList<string> Fields, string Description, string? PlaceInDraw);

/// <summary>
/// The registry changes made after the draw's first entropy value was entered (<see cref="From"/>, exclusive) and up to
/// the draw (<see cref="To"/>); decision 027. <see cref="ChangedCandidates"/>: changed experts who were members, backups,
/// eligible or excluded in the draw; null while sealed. <see cref="Sealed"/>: the places are withheld, because this
/// panel is sealed for the caller or because the draw's exclusion evidence names another project that is (decision 028).
/// <see cref="WithheldChanges"/>: changes left out because they would
/// show a panel still sealed for the caller (a conflict declared on declining an invitation of such a panel); counted,
/// so that the list is never silently incomplete.
/// </summary>
public sealed record EntropyWindowDto(Guid DrawId, DateTime From, DateTime To, bool Sealed, int ChangedExperts, int? ChangedCandidates, int WithheldChanges, string Summary, IReadOnlyList<WindowChangeDto> Changes);

public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(Policies.Reader);
        group.MapGet("/selection-counts", GetSelectionCounts).WithName(nameof(GetSelectionCounts));
        group.MapGet("/draws/{id:guid}/registry-changes", GetRegistryChangesInWindow).WithName(nameof(GetRegistryChangesInWindow));
        return group;
    }

    /// <summary>
    /// How often each expert was drawn, as a member or a backup, over all draws. Auditors see the selections only of draws
    /// whose review has started (sealed panels stay sealed), and the number of every attempt; administrators see all.
    /// </summary>
    public static async Task<Ok<SelectionStatisticsDto>> GetSelectionCounts(ExpertPoolDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var all = db.DrawRecords.AsNoTracking();
        var outcomes = await all.GroupBy(r => r.Outcome).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var records = all;
        var sealedDraws = 0;
        if (!user.SeesPersonalData())
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var started = db.Projects.ReviewStarted(now);
            records = all.Where(r => started.Any(p => p.Id == r.ProjectId));
            sealedDraws = await all.CountAsync(r => r.Outcome == DrawRecordOutcome.Succeeded && !started.Any(p => p.Id == r.ProjectId), ct);
        }
        var visible = records.Select(r => r.Id);
        var counts = await db.DrawSelections.AsNoTracking()
            .Where(s => visible.Contains(s.DrawRecordId))
            .GroupBy(s => s.ExpertId)
            .Select(g => new
            {
                ExpertId = g.Key,
                Members = g.Count(s => s.Role == SelectionRole.Member),
                Backups = g.Count(s => s.Role == SelectionRole.Backup),
            })
            .ToListAsync(ct);
        var ids = counts.Select(c => c.ExpertId).ToList();
        var names = await db.Experts.AsNoTracking().Where(e => ids.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.Name, ct);
        var experts = counts
            .OrderByDescending(c => c.Members).ThenByDescending(c => c.Backups).ThenBy(c => c.ExpertId)
            .Select(c => new SelectionCountDto(c.ExpertId, names.GetValueOrDefault(c.ExpertId, ""), c.Members, c.Backups))
            .ToList();
        int Of(DrawRecordOutcome o) => outcomes.FirstOrDefault(x => x.Key == o)?.Count ?? 0;
        return TypedResults.Ok(new SelectionStatisticsDto(outcomes.Sum(o => o.Count), Of(DrawRecordOutcome.Succeeded), Of(DrawRecordOutcome.Failed), sealedDraws, experts));
    }

    /// <summary>
    /// What changed in the registry while the draw's panel could already be computed (between its entropy and the draw):
    /// each change with who made it, and where the expert stands in the draw. Open to auditors; the places stay hidden
    /// while the panel is sealed for the caller.
    /// </summary>
    public static async Task<Ok<EntropyWindowDto>> GetRegistryChangesInWindow(Guid id, ExpertPoolDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var report = await EntropyWindow.ReadAsync(db, id, ct);
        var projectId = report.ProjectId;
        var isSealed = (await PanelSealing.SealedAsync(db, [projectId], user, clock, ct)).Count > 0;
        var visible = await VisibleChangesAsync(db, report.Changes, user, clock, ct);
        var withheld = report.Changes.Count - visible.Count;
        var places = visible.Where(c => c.ExpertId is not null).Select(c => c.ExpertId!.Value).Distinct().ToDictionary(e => e, e => report.Places[e]);
        // The record's exclusion reasons name another project still sealed for the caller (decision 028): every place
        // stays hidden, as the record's export is refused. Hiding only the places of the experts concerned would point
        // at them.
        var othersSealed = !isSealed && (await PanelSealing.SealedAsync(db, report.RevealedProjects.Where(p => p != projectId), user, clock, ct)).Count > 0;
        var placesHidden = isSealed || othersSealed;
        var expertIds = places.Keys.ToList();
        var names = expertIds.Count == 0 ? [] : await db.Experts.AsNoTracking().Where(e => expertIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.Name, ct);
        var changes = visible.Select(c => new WindowChangeDto(
            c.At, c.Kind.ToString(), c.ExpertId, c.ExpertId is { } e ? names.GetValueOrDefault(e) : null, c.OrganisationId, c.Actor, c.Fields, c.Description,
            placesHidden || c.ExpertId is not { } x ? null : places[x].ToString())).ToList();
        var candidates = places.Values.Count(p => p != DrawPlace.NotCandidate);
        var (from, to) = (IsoText.Instant(report.From), IsoText.Instant(report.To));
        string summary;
        if (report.Changes.Count == 0)
            summary = report.From == report.To
                ? $"外部随机数在抽取时才产生（{to}），其间无窗口，登记库无可影响本次抽取的变更 / the entropy was made at the draw ({to}): no window, no registry change could aim at this draw"
                : $"外部随机数录入（{from}）至抽取（{to}）期间，登记库无变更 / no registry change between the entropy ({from}) and the draw ({to})";
        else
            summary = $"外部随机数录入（{from}）至抽取（{to}）期间，登记库有 {report.Changes.Count} 项变更，涉及 {places.Count} 名专家"
                + (isSealed ? "（评审开始前不显示其在本次抽取中的位置）"
                    : othersSealed ? "（本次抽取的回避依据涉及评审尚未开始的其他项目，暂不显示其在本次抽取中的位置）"
                    : $"，其中 {candidates} 名是本次抽取的候选专家")
                + (withheld > 0 ? $"；其中 {withheld} 项涉及评审尚未开始的其他抽取（谢绝邀请时声明的回避），暂不显示" : "")
                + $" / {report.Changes.Count} registry changes between the entropy ({from}) and the draw ({to}), concerning {places.Count} experts"
                + (isSealed ? " (their place in the draw is sealed until the review starts)"
                    : othersSealed ? " (their place in the draw is withheld: the draw's exclusion evidence names other projects whose review has not started)"
                    : $", {candidates} of them candidates of this draw")
                + (withheld > 0 ? $"; {withheld} of them concern a panel still sealed (a conflict declared on declining its invitation) and are withheld" : "");
        return TypedResults.Ok(new EntropyWindowDto(report.DrawId, report.From, report.To, placesHidden, places.Count, placesHidden ? null : candidates, withheld, summary, changes));
    }

    /// <summary>
    /// The changes the caller may read: a conflict declared on declining an invitation shows that its expert was drawn for
    /// that panel request, so it is left out while that request's project is sealed for the caller (as in
    /// <c>GET /api/experts/{id}/declared-conflicts</c>).
    /// </summary>
    private static async Task<List<WindowChange>> VisibleChangesAsync(ExpertPoolDbContext db, IReadOnlyList<WindowChange> changes, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var requestIds = changes.Where(c => c.PanelRequestId is not null).Select(c => c.PanelRequestId!.Value).Distinct().ToList();
        if (requestIds.Count == 0 || user.SeesPersonalData())
            return [.. changes];
        var projects = await db.PanelRequests.AsNoTracking().Where(r => requestIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.ProjectId, ct);
        var sealedProjects = await PanelSealing.SealedAsync(db, projects.Values, user, clock, ct);
        return [.. changes.Where(c => c.PanelRequestId is not { } r || !projects.TryGetValue(r, out var p) || !sealedProjects.Contains(p))];
    }
}
