using System.Security.Claims;
using ExpertPool.Api.Draws;
using ExpertPool.Api.Security;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Api.Experts;

public sealed record RelationRequest(Guid? OrganisationId, RelationKind? Kind, DateOnly? From, DateOnly? To, string? Note);

public sealed record EndRelationRequest(DateOnly? To, string? Note);

public sealed record RelationDto(Guid Id, Guid OrganisationId, string OrganisationName, string Kind, DateOnly? From, DateOnly? To, bool Ongoing, string? Note, string RecordedBy, DateTime RecordedAt, DateTime? EndedAt, string? EndedBy);

public sealed record DeclaredConflictRequest(Guid? OrganisationId, string? Reason);

public sealed record DeclaredConflictDto(Guid Id, Guid OrganisationId, string OrganisationName, string Reason, DateTime DeclaredAt, string Source, Guid? PanelRequestId, string RecordedBy);

/// <summary>
/// An expert's relation history and declared conflicts (回避 evidence). There is no delete: a relation that ends gets
/// its end date through <c>POST …/relations/{rid}/end</c>, and the row stays for the look-back rules.
/// </summary>
public static class ExpertRelationsEndpoints
{
    public static RouteGroupBuilder MapExpertRelations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/experts/{id:guid}").WithTags("Experts").RequireAuthorization(Policies.Reader);
        group.MapGet("/relations", ListRelations).WithName(nameof(ListRelations));
        group.MapPost("/relations", AddRelation).WithName(nameof(AddRelation)).RequireAuthorization(Policies.Admin);
        group.MapPost("/relations/{relationId:guid}/end", EndRelation).WithName(nameof(EndRelation)).RequireAuthorization(Policies.Admin);
        group.MapGet("/declared-conflicts", ListDeclaredConflicts).WithName(nameof(ListDeclaredConflicts));
        group.MapPost("/declared-conflicts", DeclareConflict).WithName(nameof(DeclareConflict)).RequireAuthorization(Policies.Admin);
        return group;
    }

    /// <summary>Every relation, ended ones included; for a non-administrator the notes with numbers and addresses masked.</summary>
    public static async Task<Ok<List<RelationDto>>> ListRelations(Guid id, ExpertPoolDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        await EnsureExpertAsync(db, id, ct);
        var rows = await (from r in db.ExpertRelations
                          join o in db.Organisations on r.OrganisationId equals o.Id
                          where r.ExpertId == id
                          orderby r.RecordedAt, r.Id
                          select new { r, o.Name }).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(x => ToDto(x.r, x.Name, masked: !user.SeesPersonalData())).ToList());
    }

    public static async Task<Created<RelationDto>> AddRelation(Guid id, RelationRequest request, ExpertPoolDbContext db, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        await EnsureExpertAsync(db, id, ct);
        var orgName = await OrganisationNameAsync(db, request.OrganisationId, ct);
        if (request.Kind is null)
            throw new DomainValidationException("kind", $"必填，须为以下关系类型之一：{string.Join("、", Enum.GetNames<RelationKind>())} / is required: one of {string.Join(", ", Enum.GetNames<RelationKind>())}");
        var relation = ExpertRelation.Create(id, request.OrganisationId!.Value, request.Kind.Value, request.From, request.To, request.Note, user.Actor(), clock.GetUtcNow().UtcDateTime);
        db.ExpertRelations.Add(relation);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/experts/{id}/relations", ToDto(relation, orgName));
    }

    public static async Task<Ok<RelationDto>> EndRelation(Guid id, Guid relationId, EndRelationRequest request, ExpertPoolDbContext db, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var relation = await db.ExpertRelations.FirstOrDefaultAsync(r => r.Id == relationId && r.ExpertId == id, ct)
            ?? throw new NotFoundException("Relation", relationId);
        if (request.To is null)
            throw new DomainValidationException("to", "必填 / is required: the last day of the relation");
        relation.End(request.To.Value, request.Note, user.Actor(), clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        var orgName = await db.Organisations.Where(o => o.Id == relation.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        return TypedResults.Ok(ToDto(relation, orgName));
    }

    /// <summary>
    /// The expert's declared conflicts. One declared by declining an invitation names that panel request: for a caller
    /// who is not an administrator it stays out of the list while that project's panel is sealed (decision 005), or
    /// walking the experts would show who was drawn.
    /// </summary>
    public static async Task<Ok<List<DeclaredConflictDto>>> ListDeclaredConflicts(Guid id, ExpertPoolDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        await EnsureExpertAsync(db, id, ct);
        var rows = await (from c in db.DeclaredConflicts
                          join o in db.Organisations on c.OrganisationId equals o.Id
                          where c.ExpertId == id
                          orderby c.DeclaredAt, c.Id
                          select new
                          {
                              c,
                              o.Name,
                              ProjectId = db.PanelRequests.Where(r => r.Id == c.PanelRequestId).Select(r => (Guid?)r.ProjectId).FirstOrDefault(),
                          }).ToListAsync(ct);
        var sealedProjects = await PanelSealing.SealedAsync(db, rows.Where(x => x.ProjectId is not null).Select(x => x.ProjectId!.Value), user, clock, ct);
        return TypedResults.Ok(rows.Where(x => x.ProjectId is not { } project || !sealedProjects.Contains(project)).Select(x => ToDto(x.c, x.Name, masked: !user.SeesPersonalData())).ToList());
    }

    public static async Task<Created<DeclaredConflictDto>> DeclareConflict(Guid id, DeclaredConflictRequest request, ExpertPoolDbContext db, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        await EnsureExpertAsync(db, id, ct);
        var orgName = await OrganisationNameAsync(db, request.OrganisationId, ct);
        // A declaration is kept forever and already excludes the expert from that organisation's projects: a second one adds nothing.
        if (await db.DeclaredConflicts.Where(c => c.ExpertId == id && c.OrganisationId == request.OrganisationId && c.Source == DeclaredConflictSource.SelfDeclared)
                .Select(c => (DateTime?)c.DeclaredAt).FirstOrDefaultAsync(ct) is { } declaredAt)
            throw new DomainConflictException(
                $"该专家已于 {declaredAt:yyyy-MM-dd} 声明与「{orgName}」存在利益冲突，无需重复声明 / The expert already declared a conflict with {orgName} on {declaredAt:yyyy-MM-dd}.",
                new Dictionary<string, object?> { ["field"] = "organisationId" });
        var conflict = DeclaredConflict.SelfDeclared(id, request.OrganisationId!.Value, request.Reason, user.Actor(), clock.GetUtcNow().UtcDateTime);
        db.DeclaredConflicts.Add(conflict);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/experts/{id}/declared-conflicts", ToDto(conflict, orgName));
    }

    private static async Task EnsureExpertAsync(ExpertPoolDbContext db, Guid id, CancellationToken ct)
    {
        if (!await db.Experts.AnyAsync(e => e.Id == id, ct))
            throw new NotFoundException("Expert", id);
    }

    private static async Task<string> OrganisationNameAsync(ExpertPoolDbContext db, Guid? organisationId, CancellationToken ct)
    {
        if (organisationId is null)
            throw new DomainValidationException("organisationId", "必填 / is required");
        return await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.Name).FirstOrDefaultAsync(ct)
            ?? throw new DomainValidationException("organisationId", $"单位 {organisationId} 不存在 / unknown organisation '{organisationId}'");
    }

    // Notes and reasons are free text (a reason declared on declining is the expert's own words): numbers and addresses
    // in them are masked for non-administrators.
    private static RelationDto ToDto(ExpertRelation r, string orgName, bool masked = false) =>
        new(r.Id, r.OrganisationId, orgName, r.Kind.ToString(), r.From, r.To, r.IsOngoing, PersonalData.ForReader(r.Note, !masked),
            r.RecordedBy, r.RecordedAt, r.EndedAt, r.EndedBy);

    private static DeclaredConflictDto ToDto(DeclaredConflict c, string orgName, bool masked = false) =>
        new(c.Id, c.OrganisationId, orgName, PersonalData.ForReader(c.Reason, !masked), c.DeclaredAt, c.Source.ToString(), c.PanelRequestId, c.RecordedBy);
}
