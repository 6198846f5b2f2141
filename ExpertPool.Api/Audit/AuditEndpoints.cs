using System.Security.Claims;
using ExpertPool.Api.Security;
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

public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(Policies.Reader);
        group.MapGet("/selection-counts", GetSelectionCounts).WithName(nameof(GetSelectionCounts));
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
            records = all.Where(r => db.Projects.Any(p => p.Id == r.ProjectId && p.ReviewStartsAt <= now));
            sealedDraws = await all.CountAsync(r => r.Outcome == DrawRecordOutcome.Succeeded && !db.Projects.Any(p => p.Id == r.ProjectId && p.ReviewStartsAt <= now), ct);
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
}
