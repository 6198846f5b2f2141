using System.Security.Claims;
using ExpertPool.Api.Security;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Api.Audit;

public sealed record SelectionCountDto(Guid ExpertId, string ExpertName, int Members, int Backups);

public sealed record SelectionStatisticsDto(int Draws, int SucceededDraws, int FailedDraws, IReadOnlyList<SelectionCountDto> Experts);

public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(Policies.Reader);
        group.MapGet("/selection-counts", GetSelectionCounts).WithName(nameof(GetSelectionCounts));
        return group;
    }

    /// <summary>
    /// How often each expert was drawn, as a member or a backup, over all draws. Auditors see only draws whose review
    /// has started (sealed panels stay sealed); administrators see all.
    /// </summary>
    public static async Task<Ok<SelectionStatisticsDto>> GetSelectionCounts(ExpertPoolDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var records = db.DrawRecords.AsNoTracking();
        if (!user.SeesPersonalData())
        {
            var now = clock.GetUtcNow().UtcDateTime;
            records = records.Where(r => db.Projects.Any(p => p.Id == r.ProjectId && p.ReviewStartsAt <= now));
        }
        var outcomes = await records.GroupBy(r => r.Outcome).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
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
        return TypedResults.Ok(new SelectionStatisticsDto(outcomes.Sum(o => o.Count), Of(DrawRecordOutcome.Succeeded), Of(DrawRecordOutcome.Failed), experts));
    }
}
