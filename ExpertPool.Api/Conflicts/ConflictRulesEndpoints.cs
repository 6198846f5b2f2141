using System.Security.Claims;
using ExpertPool.Api.Security;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Conflicts;
using ExpertPool.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Api.Conflicts;

public sealed record RuleSetChangeRequest(string? ChangeReason, ConflictRuleSettings? Settings);

public sealed record RuleSetDto(Guid Id, string Scope, string? EngagementType, int Version, DateTime CreatedAt, string CreatedBy, string ChangeReason, ConflictRuleSettings Settings)
{
    /// <param name="r">The rule set.</param>
    /// <param name="masked">For a non-administrator: numbers and addresses in the change reason masked.</param>
    public static RuleSetDto From(ConflictRuleSet r, bool masked) =>
        new(r.Id, r.Scope, r.EngagementType?.ToString(), r.Version, r.CreatedAt, r.CreatedBy, PersonalData.ForReader(r.ChangeReason, !masked), r.Settings);
}

/// <summary>Rule sets are immutable: a change is a new version of its scope ("default" or an engagement type).</summary>
public static class ConflictRulesEndpoints
{
    public static RouteGroupBuilder MapConflictRules(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/conflict-rules").WithTags("Conflict rules").RequireAuthorization(Policies.Reader);
        group.MapGet("/", ListCurrentRuleSets).WithName(nameof(ListCurrentRuleSets));
        group.MapGet("/{id:guid}", GetRuleSet).WithName(nameof(GetRuleSet));
        group.MapGet("/{scope}/versions", ListRuleSetVersions).WithName(nameof(ListRuleSetVersions));
        group.MapPut("/{scope}", ChangeRuleSet).WithName(nameof(ChangeRuleSet)).RequireAuthorization(Policies.Admin);
        return group;
    }

    /// <summary>The current (highest) version of every scope that has one.</summary>
    public static async Task<Ok<List<RuleSetDto>>> ListCurrentRuleSets(ExpertPoolDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var rows = await db.ConflictRuleSets.AsNoTracking()
            .Where(r => r.Version == db.ConflictRuleSets.Where(x => x.Scope == r.Scope).Max(x => x.Version))
            .OrderBy(r => r.Scope)
            .ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r => RuleSetDto.From(r, !user.SeesPersonalData())).ToList());
    }

    public static async Task<Ok<RuleSetDto>> GetRuleSet(Guid id, ExpertPoolDbContext db, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(RuleSetDto.From(await db.ConflictRuleSets.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("Conflict rule set", id),
            !user.SeesPersonalData()));

    public static async Task<Ok<List<RuleSetDto>>> ListRuleSetVersions(string scope, ExpertPoolDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var name = ConflictRuleSet.ScopeOf(ConflictRuleSet.ParseScope(scope));
        var rows = await db.ConflictRuleSets.AsNoTracking().Where(r => r.Scope == name).OrderByDescending(r => r.Version).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r => RuleSetDto.From(r, !user.SeesPersonalData())).ToList());
    }

    /// <summary>
    /// Creates the scope's next version; the change reason is mandatory and existing versions never change. Version numbers
    /// run across all scopes (the highest of any scope, plus one), so the number a draw record hashes names one rule set.
    /// </summary>
    public static async Task<Created<RuleSetDto>> ChangeRuleSet(string scope, RuleSetChangeRequest request, ExpertPoolDbContext db, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var type = ConflictRuleSet.ParseScope(scope);
        // Checked before the lock, so bad input never waits for it.
        ConflictRuleSet.NewVersion(type, 0, request.Settings, request.ChangeReason, user.Actor(), clock.GetUtcNow().UtcDateTime);
        await using var transaction = await db.BeginRuleSetChangeAsync(ct);
        var highest = await db.ConflictRuleSets.MaxAsync(r => (int?)r.Version, ct) ?? 0;
        var next = ConflictRuleSet.NewVersion(type, highest, request.Settings, request.ChangeReason, user.Actor(), clock.GetUtcNow().UtcDateTime);
        db.ConflictRuleSets.Add(next);
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsClash(ex))
        {
            throw new DomainConflictException($"{next.Scope} 的规则版本 {next.Version} 已被同时创建，请读取当前版本后重试 / Version {next.Version} of {next.Scope} was created at the same time; read the current version and retry.", ex);
        }
        return TypedResults.Created($"/api/conflict-rules/{next.Id}", RuleSetDto.From(next, masked: false));
    }
}
