using ExpertPool.Api.Security;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Regions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Api.Regions;

public sealed record RegionDto(string Code, string NameZh, string NameEn, string? ParentCode);

public sealed record CreateRegionRequest(string? Code, string? NameZh, string? NameEn, string? ParentCode);

public static class RegionsEndpoints
{
    public static RouteGroupBuilder MapRegions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/regions").WithTags("Regions").RequireAuthorization(Policies.Reader);
        group.MapGet("/", ListRegions).WithName(nameof(ListRegions));
        group.MapPost("/", CreateRegion).WithName(nameof(CreateRegion)).RequireAuthorization(Policies.Admin);
        return group;
    }

    public static async Task<Ok<List<RegionDto>>> ListRegions(ExpertPoolDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Regions.AsNoTracking().OrderBy(r => r.Code).Select(r => new RegionDto(r.Code, r.NameZh, r.NameEn, r.ParentCode)).ToListAsync(ct));

    public static async Task<Created<RegionDto>> CreateRegion(CreateRegionRequest request, ExpertPoolDbContext db, CancellationToken ct)
    {
        Region? parent = null;
        if (!string.IsNullOrWhiteSpace(request.ParentCode))
        {
            parent = await db.Regions.FirstOrDefaultAsync(r => r.Code == request.ParentCode.Trim(), ct)
                ?? throw new DomainValidationException("parentCode", "上级区划不存在 / unknown region code");
        }
        var region = Region.Create(request.Code, request.NameZh, request.NameEn, parent);
        if (await db.Regions.AnyAsync(r => r.Code == region.Code, ct))
            throw new DomainConflictException($"区划已存在 / Region {region.Code} already exists.");
        db.Regions.Add(region);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/regions/{region.Code}", new RegionDto(region.Code, region.NameZh, region.NameEn, region.ParentCode));
    }
}
