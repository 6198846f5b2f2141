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

public sealed record CreateOrganisationRequest(string? Name, string? CreditCode, IReadOnlyList<string>? Aliases);

public sealed record UpdateOrganisationRequest(string? Name, IReadOnlyList<string>? Aliases);

public static class OrganisationsEndpoints
{
    public static RouteGroupBuilder MapOrganisations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/organisations").WithTags("Organisations").RequireAuthorization(Policies.Reader);
        group.MapGet("/", ListOrganisations).WithName(nameof(ListOrganisations));
        group.MapGet("/{id:guid}", GetOrganisation).WithName(nameof(GetOrganisation));
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

    public static async Task<Created<OrganisationDto>> CreateOrganisation(CreateOrganisationRequest request, ExpertPoolDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var org = Organisation.Create(request.Name, request.CreditCode, request.Aliases, clock.GetUtcNow().UtcDateTime);
        if (await db.Organisations.AnyAsync(o => o.CreditCode == org.CreditCode, ct))
            throw new DomainConflictException($"统一社会信用代码已存在 / An organisation with credit code {org.CreditCode} already exists.");
        await EnsureAliasesFreeAsync(db, org, ct);
        db.Organisations.Add(org);
        await db.SaveChangesAsync(ct);
        http.Response.Headers.ETag = EntityTags.Of(org.Version);
        return TypedResults.Created($"/api/organisations/{org.Id}", ToDto(org));
    }

    /// <summary>
    /// Renames the organisation and, when the request lists them, replaces its aliases. Names and aliases decide the
    /// same-organisation rule, so If-Match is required (the ETag of the copy that was edited): 428 without it, 412 when
    /// someone changed the organisation since. A concurrent save of the same version is caught by the version column (409).
    /// </summary>
    public static async Task<Ok<OrganisationDto>> UpdateOrganisation(
        Guid id, UpdateOrganisationRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ExpertPoolDbContext db, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var expected = EntityTags.Parse(ifMatch, required: true)!;
        var org = await FindAsync(db, id, ct);
        org.Update(request.Name, request.Aliases, expected.Matches(org.Version) ? org.Version : -1, clock.GetUtcNow().UtcDateTime);
        await EnsureAliasesFreeAsync(db, org, ct);
        await db.SaveChangesAsync(ct);
        http.Response.Headers.ETag = EntityTags.Of(org.Version);
        return TypedResults.Ok(ToDto(org));
    }

    /// <summary>
    /// An organisation that employs experts or is named in any record is kept (409 with the counts). If-Match is optional
    /// here (nothing is overwritten), but when sent it must name the current version.
    /// </summary>
    public static async Task<NoContent> DeleteOrganisation(Guid id, [FromHeader(Name = "If-Match")] string? ifMatch, ExpertPoolDbContext db, CancellationToken ct)
    {
        var expected = EntityTags.Parse(ifMatch, required: false);
        var org = await FindAsync(db, id, ct);
        if (expected is not null && !expected.Matches(org.Version))
            throw new PreconditionFailedException($"单位信息已被他人修改（当前版本 {org.Version}），请刷新后重试 / The organisation was changed by someone else (now version {org.Version}).");
        var experts = await db.Experts.CountAsync(e => e.EmployerId == id, ct);
        var references = await db.ProjectParties.CountAsync(p => p.OrganisationId == id, ct)
            + await db.ExpertRelations.CountAsync(r => r.OrganisationId == id, ct)
            + await db.DeclaredConflicts.CountAsync(c => c.OrganisationId == id, ct)
            + await db.ExpertEngagements.CountAsync(e => e.ApplicantOrganisationId == id, ct);
        if (experts > 0 || references > 0)
        {
            throw new DomainConflictException(
                $"该单位仍被引用，不能删除 / The organisation employs {experts} expert(s) and is named in {references} project, relation, conflict or engagement record(s); it cannot be deleted.",
                new Dictionary<string, object?> { ["expertCount"] = experts, ["referenceCount"] = references });
        }
        db.Organisations.Remove(org);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task EnsureAliasesFreeAsync(ExpertPoolDbContext db, Organisation org, CancellationToken ct)
    {
        var names = org.Aliases.Select(a => a.Name).ToList();
        var taken = await db.OrganisationAliases.Where(a => a.OrganisationId != org.Id && names.Contains(a.Name)).Select(a => a.Name).FirstOrDefaultAsync(ct);
        if (taken is not null)
            throw new DomainConflictException($"别名已被其他单位使用 / The alias '{taken}' belongs to another organisation.");
    }

    private static async Task<Organisation> FindAsync(ExpertPoolDbContext db, Guid id, CancellationToken ct) =>
        await db.Organisations.Include(o => o.Aliases).FirstOrDefaultAsync(o => o.Id == id, ct) ?? throw new NotFoundException("Organisation", id);

    private static OrganisationDto ToDto(Organisation o) => new(o.Id, o.Name, o.CreditCode, o.Aliases.Select(a => a.Name).Order(StringComparer.Ordinal).ToList(), o.Version);
}
