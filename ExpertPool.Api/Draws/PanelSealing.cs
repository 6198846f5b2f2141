using System.Security.Claims;
using ExpertPool.Api.Security;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Projects;
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
        return projects.Where(p => !HasStarted(p.ReviewStartsAt, now)).Select(p => p.ProjectId).ToHashSet();
    }

    /// <summary>
    /// The rule itself: a review has started, and its panel is sealed for no one, from its start time on. Its form for
    /// queries, <see cref="ReviewStarted"/>, sits next to it (EF cannot translate a call to this method); the public
    /// pages and the auditors' statistics use that one.
    /// </summary>
    public static bool HasStarted(DateTime reviewStartsAt, DateTime now) => reviewStartsAt <= now;

    /// <summary>The projects whose review has started at <paramref name="now"/> (<see cref="HasStarted"/> as a query).</summary>
    public static IQueryable<Project> ReviewStarted(this IQueryable<Project> projects, DateTime now) =>
        projects.Where(p => p.ReviewStartsAt <= now);

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
