using System.Security.Claims;
using ExpertPool.Api.Security;
using ExpertPool.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Api.Draws;

/// <summary>
/// Decision 005 in one place: a project's panel is sealed for a caller who is not an administrator until its review
/// starts. The draws, their verification and the panel requests all ask here.
/// </summary>
public static class PanelSealing
{
    /// <summary>Of the given projects (with their review times), those sealed for this caller.</summary>
    public static HashSet<Guid> Sealed(ClaimsPrincipal user, TimeProvider clock, IEnumerable<(Guid ProjectId, DateTime ReviewStartsAt)> projects)
    {
        if (user.SeesPersonalData())
            return [];
        var now = clock.GetUtcNow().UtcDateTime;
        return projects.Where(p => p.ReviewStartsAt > now).Select(p => p.ProjectId).ToHashSet();
    }

    /// <summary>Of the given projects, those sealed for this caller, reading their review times (no query for administrators).</summary>
    public static async Task<HashSet<Guid>> SealedAsync(ExpertPoolDbContext db, IEnumerable<Guid> projectIds, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var ids = projectIds.Distinct().ToList();
        if (user.SeesPersonalData() || ids.Count == 0)
            return [];
        var projects = await db.Projects.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.ReviewStartsAt }).ToListAsync(ct);
        return Sealed(user, clock, projects.Select(p => (p.Id, p.ReviewStartsAt)));
    }
}
