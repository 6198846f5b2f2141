using ExpertPool.Api.Security;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Specialties;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Api.Specialties;

public sealed record SpecialtyDto(int Id, string Code, string NameZh, string NameEn, string? ParentCode, string Path, int Depth);

public sealed record CreateSpecialtyRequest(string? Code, string? NameZh, string? NameEn, string? ParentCode);

public sealed record RenameSpecialtyRequest(string? NameZh, string? NameEn);

public static class SpecialtiesEndpoints
{
    public static RouteGroupBuilder MapSpecialties(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/specialties").WithTags("Specialties").RequireAuthorization(Policies.Reader);
        group.MapGet("/", ListSpecialties).WithName(nameof(ListSpecialties));
        group.MapGet("/{code}", GetSpecialty).WithName(nameof(GetSpecialty));
        group.MapPost("/", CreateSpecialty).WithName(nameof(CreateSpecialty)).RequireAuthorization(Policies.Admin);
        group.MapPut("/{code}", RenameSpecialty).WithName(nameof(RenameSpecialty)).RequireAuthorization(Policies.Admin);
        group.MapDelete("/{code}", DeleteSpecialty).WithName(nameof(DeleteSpecialty)).RequireAuthorization(Policies.Admin);
        return group;
    }

    /// <summary>The whole tree in path order (parents before children).</summary>
    public static async Task<Ok<List<SpecialtyDto>>> ListSpecialties(ExpertPoolDbContext db, CancellationToken ct)
    {
        var rows = await db.Specialties.AsNoTracking().OrderBy(s => s.Path).Select(s => new SpecialtyDto(s.Id, s.Code, s.NameZh, s.NameEn, s.Parent != null ? s.Parent.Code : null, s.Path, s.Depth)).ToListAsync(ct);
        return TypedResults.Ok(rows);
    }

    public static async Task<Ok<SpecialtyDto>> GetSpecialty(string code, ExpertPoolDbContext db, CancellationToken ct) =>
        TypedResults.Ok(ToDto(await FindAsync(db, code, ct)));

    public static async Task<Created<SpecialtyDto>> CreateSpecialty(CreateSpecialtyRequest request, ExpertPoolDbContext db, CancellationToken ct)
    {
        Specialty? parent = null;
        if (!string.IsNullOrWhiteSpace(request.ParentCode))
        {
            var parentCode = request.ParentCode.Trim().ToUpperInvariant();
            parent = await db.Specialties.FirstOrDefaultAsync(s => s.Code == parentCode, ct)
                ?? throw new DomainValidationException("parentCode", $"上级专业 {parentCode} 不存在 / unknown specialty code '{parentCode}'");
        }
        var specialty = Specialty.Create(request.Code, request.NameZh, request.NameEn, parent);
        if (await db.Specialties.AnyAsync(s => s.Code == specialty.Code, ct))
            throw new DomainConflictException($"专业代码已存在 / Specialty code '{specialty.Code}' already exists.");
        db.Specialties.Add(specialty);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/specialties/{specialty.Code}", ToDto(specialty));
    }

    public static async Task<Ok<SpecialtyDto>> RenameSpecialty(string code, RenameSpecialtyRequest request, ExpertPoolDbContext db, CancellationToken ct)
    {
        var specialty = await FindAsync(db, code, ct);
        specialty.Rename(request.NameZh, request.NameEn);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToDto(specialty));
    }

    /// <summary>
    /// Only an unused leaf can go: a specialty held by experts, with children, or named by a panel request's quota is 409
    /// with the counts. A quota keeps its code for good: a scheduled request could no longer be drawn, and a code made
    /// again elsewhere in the tree would give a drawn request's record another meaning.
    /// </summary>
    public static async Task<NoContent> DeleteSpecialty(string code, ExpertPoolDbContext db, CancellationToken ct)
    {
        var specialty = await FindAsync(db, code, ct);
        var experts = await db.ExpertSpecialties.CountAsync(es => es.SpecialtyId == specialty.Id, ct);
        var children = await db.Specialties.CountAsync(s => s.ParentId == specialty.Id, ct);
        var quotas = await db.Set<PanelQuota>().CountAsync(q => q.SpecialtyCode == specialty.Code, ct);
        if (experts > 0 || children > 0 || quotas > 0)
        {
            throw new DomainConflictException(
                $"专业 {specialty.Code} 仍被 {experts} 位专家使用、含有 {children} 个下级专业、被 {quotas} 个抽取配额引用，不能删除 / Specialty '{specialty.Code}' is in use by {experts} expert(s), has {children} child specialty(ies) and is named by {quotas} panel quota(s): it cannot be deleted.",
                new Dictionary<string, object?> { ["expertCount"] = experts, ["childCount"] = children, ["quotaCount"] = quotas });
        }
        db.Specialties.Remove(specialty);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Specialty> FindAsync(ExpertPoolDbContext db, string code, CancellationToken ct)
    {
        var c = code.Trim().ToUpperInvariant();
        return await db.Specialties.Include(s => s.Parent).FirstOrDefaultAsync(s => s.Code == c, ct) ?? throw new NotFoundException("Specialty", c);
    }

    private static SpecialtyDto ToDto(Specialty s) => new(s.Id, s.Code, s.NameZh, s.NameEn, s.Parent?.Code, s.Path, s.Depth);
}
