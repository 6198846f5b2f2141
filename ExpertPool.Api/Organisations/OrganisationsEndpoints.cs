using System.Security.Claims;
using ExpertPool.Api.Experts;
using ExpertPool.Api.Extensions;
using ExpertPool.Api.Security;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Organisations;
using ExpertPool.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Api.Organisations;

public sealed record OrganisationDto(Guid Id, string Name, string CreditCode, IReadOnlyList<string> Aliases, int Version);

/// <summary>One entry of an organisation's history: its state after the change (for a deletion: when it was deleted).</summary>
public sealed record OrganisationChangeDto(string Kind, int Version, string Name, string CreditCode, IReadOnlyList<string> Aliases, string ChangedBy, DateTime ChangedAt);

public sealed record CreateOrganisationRequest(string? Name, string? CreditCode, IReadOnlyList<string>? Aliases);

public sealed record UpdateOrganisationRequest(string? Name, IReadOnlyList<string>? Aliases);

public static class OrganisationsEndpoints
{
    public static RouteGroupBuilder MapOrganisations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/organisations").WithTags("Organisations").RequireAuthorization(Policies.Reader);
        group.MapGet("/", ListOrganisations).WithName(nameof(ListOrganisations));
        group.MapGet("/{id:guid}", GetOrganisation).WithName(nameof(GetOrganisation));
        group.MapGet("/{id:guid}/history", GetOrganisationHistory).WithName(nameof(GetOrganisationHistory));
        group.MapPost("/", CreateOrganisation).WithName(nameof(CreateOrganisation)).RequireAuthorization(Policies.Admin);
        group.MapPut("/{id:guid}", UpdateOrganisation).WithName(nameof(UpdateOrganisation)).RequireAuthorization(Policies.Admin);
        group.MapDelete("/{id:guid}", DeleteOrganisation).WithName(nameof(DeleteOrganisation)).RequireAuthorization(Policies.Admin);
        return group;
    }

    public static async Task<Ok<PagedList<OrganisationDto>>> ListOrganisations(ExpertPoolDbContext db, string? q, int? page, int? pageSize, CancellationToken ct)
    {
        var (p, size) = Paging.Read(page, pageSize, q);
        var query = db.Organisations.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim();
            var code = term.ToUpperInvariant();
            query = query.Where(o => o.Name.Contains(term) || o.CreditCode == code || o.Aliases.Any(a => a.Name.Contains(term)));
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(o => o.Name).ThenBy(o => o.Id).Skip((p - 1) * size).Take(size).Include(o => o.Aliases).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<OrganisationDto>(rows.Select(ToDto).ToList(), p, size, total));
    }

    public static async Task<Ok<OrganisationDto>> GetOrganisation(Guid id, ExpertPoolDbContext db, HttpContext http, CancellationToken ct)
    {
        var org = await FindAsync(db, id, ct);
        http.Response.Headers.ETag = EntityTags.Of(org.Version);
        return TypedResults.Ok(ToDto(org));
    }

    /// <summary>
    /// Every change of the organisation, oldest first, including its deletion: which names and aliases it had when, and
    /// who changed them. Kept after the organisation is deleted (404 only when there never was one).
    /// </summary>
    public static async Task<Ok<List<OrganisationChangeDto>>> GetOrganisationHistory(Guid id, ExpertPoolDbContext db, CancellationToken ct)
    {
        var rows = await db.OrganisationChanges.AsNoTracking().Where(c => c.OrganisationId == id)
            // Versions grow with every update and a deletion comes last (several changes can share a timestamp).
            .OrderBy(c => c.Version).ThenBy(c => c.Kind == OrganisationChangeKind.Deleted ? 1 : 0).ThenBy(c => c.ChangedAt).ToListAsync(ct);
        if (rows.Count == 0 && !await db.Organisations.AnyAsync(o => o.Id == id, ct))
            throw new NotFoundException("Organisation", id);
        return TypedResults.Ok(rows.Select(c => new OrganisationChangeDto(c.Kind.ToString(), c.Version, c.Name, c.CreditCode, c.Aliases, c.ChangedBy, c.ChangedAt)).ToList());
    }

    public static async Task<Created<OrganisationDto>> CreateOrganisation(CreateOrganisationRequest request, ExpertPoolDbContext db, TimeProvider clock, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var org = Organisation.Create(request.Name, request.CreditCode, request.Aliases, now);
        if (await db.Organisations.AnyAsync(o => o.CreditCode == org.CreditCode, ct))
            throw new DomainConflictException($"统一社会信用代码 {org.CreditCode} 已登记 / An organisation with credit code {org.CreditCode} already exists.");
        await EnsureAliasesFreeAsync(db, org, ct);
        db.Organisations.Add(org);
        db.OrganisationChanges.Add(OrganisationChange.Of(org, OrganisationChangeKind.Created, user.Actor(), now));
        await SaveAsync(db, ct);
        http.Response.Headers.ETag = EntityTags.Of(org.Version);
        return TypedResults.Created($"/api/organisations/{org.Id}", ToDto(org));
    }

    /// <summary>
    /// Renames the organisation and, when the request lists them, replaces its aliases. Names and aliases decide the
    /// same-organisation rule, so If-Match is required (the ETag of the copy that was edited): 428 without it, 412 when
    /// someone changed the organisation since, or saved it at the same moment (the version column catches that).
    /// </summary>
    public static async Task<Ok<OrganisationDto>> UpdateOrganisation(
        Guid id, UpdateOrganisationRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ExpertPoolDbContext db, TimeProvider clock,
        ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var expected = EntityTags.Parse(ifMatch, required: true)!;
        var org = await FindAsync(db, id, ct);
        if (!expected.Matches(org.Version))
            throw Stale(org);
        var now = clock.GetUtcNow().UtcDateTime;
        org.Update(request.Name, request.Aliases, org.Version, now);
        // The former name is kept as an alias unless another unit already has it as one (it then links there instead).
        if (org.FormerNameAdded is { } former && await db.OrganisationAliases.AnyAsync(a => a.OrganisationId != org.Id && a.Name == former, ct))
            org.DropFormerNameAlias();
        await EnsureAliasesFreeAsync(db, org, ct);
        db.OrganisationChanges.Add(OrganisationChange.Of(org, OrganisationChangeKind.Updated, user.Actor(), now));
        await SaveAsync(db, ct);
        http.Response.Headers.ETag = EntityTags.Of(org.Version);
        return TypedResults.Ok(ToDto(org));
    }

    /// <summary>
    /// An organisation that employs experts or is named in any record is kept (409 with the counts). If-Match is optional
    /// here (nothing is overwritten), but when sent it must name the current version.
    /// </summary>
    public static async Task<NoContent> DeleteOrganisation(
        Guid id, [FromHeader(Name = "If-Match")] string? ifMatch, ExpertPoolDbContext db, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var expected = EntityTags.Parse(ifMatch, required: false);
        var org = await FindAsync(db, id, ct);
        if (expected is not null && !expected.Matches(org.Version))
            throw Stale(org);
        var experts = await db.Experts.CountAsync(e => e.EmployerId == id, ct);
        var references = await db.ProjectParties.CountAsync(p => p.OrganisationId == id, ct)
            + await db.ExpertRelations.CountAsync(r => r.OrganisationId == id, ct)
            + await db.DeclaredConflicts.CountAsync(c => c.OrganisationId == id, ct)
            + await db.ExpertEngagements.CountAsync(e => e.ApplicantOrganisationId == id, ct);
        if (experts > 0 || references > 0)
        {
            throw new DomainConflictException(
                $"该单位仍有 {experts} 名专家在职，并被 {references} 条项目、关系、回避声明或参评记录引用，不能删除 / The organisation employs {experts} expert(s) and is named in {references} project, relation, conflict or engagement record(s); it cannot be deleted.",
                new Dictionary<string, object?> { ["expertCount"] = experts, ["referenceCount"] = references });
        }
        db.OrganisationChanges.Add(OrganisationChange.Of(org, OrganisationChangeKind.Deleted, user.Actor(), clock.GetUtcNow().UtcDateTime));
        db.Organisations.Remove(org);
        await SaveAsync(db, ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// A save that lost a race: the version column caught a concurrent edit of the same version (412, read it again), or
    /// a constraint caught data saved at the same moment: the same credit code or alias, or a new reference to an
    /// organisation being deleted (409).
    /// </summary>
    private static async Task SaveAsync(ExpertPoolDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException ex)
        {
            throw new PreconditionFailedException("单位信息已被他人同时修改，未保存，请刷新后重试 / The organisation was changed by someone else at the same moment; nothing was saved. Read it again and retry.", ex);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsClash(ex))
        {
            throw new DomainConflictException("单位数据与同时保存的其他数据冲突（统一社会信用代码或别名已被登记，或单位刚被引用），未保存 / The change clashes with data saved at the same moment (the credit code or an alias was registered, or the organisation was just referenced); nothing was saved.", ex);
        }
    }

    /// <summary>The edit was made from an older version than the one stored (412).</summary>
    private static PreconditionFailedException Stale(Organisation org) =>
        new($"单位信息已被他人修改（当前版本 {org.Version}），请刷新后重试 / The organisation was changed by someone else (now version {org.Version}).");

    private static async Task EnsureAliasesFreeAsync(ExpertPoolDbContext db, Organisation org, CancellationToken ct)
    {
        var names = org.Aliases.Select(a => a.Name).ToList();
        var taken = await db.OrganisationAliases.Where(a => a.OrganisationId != org.Id && names.Contains(a.Name)).Select(a => a.Name).FirstOrDefaultAsync(ct);
        if (taken is not null)
            throw new DomainConflictException($"别名“{taken}”已被其他单位使用 / The alias '{taken}' belongs to another organisation.");
    }

    private static async Task<Organisation> FindAsync(ExpertPoolDbContext db, Guid id, CancellationToken ct) =>
        await db.Organisations.Include(o => o.Aliases).FirstOrDefaultAsync(o => o.Id == id, ct) ?? throw new NotFoundException("Organisation", id);

    private static OrganisationDto ToDto(Organisation o) => new(o.Id, o.Name, o.CreditCode, o.Aliases.Select(a => a.Name).Order(StringComparer.Ordinal).ToList(), o.Version);
}
