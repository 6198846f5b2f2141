using System.Security.Claims;
using ExpertPool.Api.Extensions;
using ExpertPool.Api.Security;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Experts;
using ExpertPool.Domain.Experts.Applications;
using ExpertPool.Domain.Invitations;
using ExpertPool.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Api.Experts;

public static class ExpertsEndpoints
{
    public static RouteGroupBuilder MapExperts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/experts").WithTags("Experts").RequireAuthorization(Policies.Reader);
        group.MapGet("/", ListExperts).WithName(nameof(ListExperts));
        group.MapGet("/{id:guid}", GetExpert).WithName(nameof(GetExpert));
        group.MapGet("/{id:guid}/status-history", GetStatusHistory).WithName(nameof(GetStatusHistory));
        group.MapGet("/{id:guid}/history", GetExpertHistory).WithName(nameof(GetExpertHistory));
        group.MapGet("/{id:guid}/application", GetApplication).WithName(nameof(GetApplication));
        group.MapPost("/", CreateExpert).WithName(nameof(CreateExpert)).RequireAuthorization(Policies.Admin);
        group.MapPut("/{id:guid}", UpdateExpert).WithName(nameof(UpdateExpert)).RequireAuthorization(Policies.Admin);
        group.MapPost("/{id:guid}/status", ChangeStatus).WithName(nameof(ChangeStatus)).RequireAuthorization(Policies.Admin);
        group.MapExpertCsv();
        return group;
    }

    public static async Task<Ok<PagedList<ExpertSummary>>> ListExperts(
        ExpertPoolDbContext db,
        ClaimsPrincipal user,
        string? specialty,
        string? region,
        string? status,
        string? titleGrade,
        string? q,
        int? page,
        int? pageSize,
        CancellationToken ct)
    {
        var (filter, p, size) = ReadFilter(specialty, region, status, titleGrade, q, page, pageSize);
        var query = await filter.ApplyAsync(db, db.Experts.AsNoTracking(), ct);
        var total = await query.CountAsync(ct);
        var rows = await query
            .OrderBy(e => e.Id)
            .Skip((p - 1) * size)
            .Take(size)
            .Select(e => new { e.Id, e.Name, e.IdNumber, EmployerName = e.Employer!.Name, e.Title, e.TitleGrade, e.RegionCode, e.Phone, e.Status })
            .ToListAsync(ct);
        // A second small query for the page's specialty codes: joining them into the page query makes SQLite materialise every expert's specialties.
        var ids = rows.Select(r => r.Id).ToList();
        var codes = (await db.ExpertSpecialties.AsNoTracking()
                .Where(es => ids.Contains(es.ExpertId))
                .Select(es => new { es.ExpertId, es.Specialty!.Code })
                .ToListAsync(ct))
            .ToLookup(x => x.ExpertId, x => x.Code);
        var full = user.SeesPersonalData();
        var items = rows.Select(r => new ExpertSummary(
            r.Id, r.Name,
            full ? r.IdNumber : ChineseIdNumber.Mask(r.IdNumber),
            r.EmployerName, r.Title, r.TitleGrade.ToString(),
            codes[r.Id].Order(StringComparer.Ordinal).ToList(),
            r.RegionCode,
            full ? r.Phone : PersonalData.MaskPhone(r.Phone),
            r.Status.ToString())).ToList();
        return TypedResults.Ok(new PagedList<ExpertSummary>(items, p, size, total));
    }

    /// <summary>Parses list and export query parameters; every bad value is reported by name.</summary>
    public static (ExpertFilter Filter, int Page, int PageSize) ReadFilter(string? specialty, string? region, string? status, string? titleGrade, string? q, int? page, int? pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        ExpertStatus? st = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (ExpertVocabulary.StatusNames.TryGetValue(status.Trim(), out var s))
                st = s;
            else
                errors["status"] = ["须为以下状态之一：Applied、Active、Suspended、Removed、Retired / must be one of Applied, Active, Suspended, Removed, Retired"];
        }
        TitleGrade? tg = null;
        if (!string.IsNullOrWhiteSpace(titleGrade))
        {
            if (ExpertVocabulary.TitleGradeNames.TryGetValue(titleGrade.Trim(), out var g))
                tg = g;
            else
                errors["titleGrade"] = ["须为以下职称级别之一：FullSenior、AssociateSenior、Intermediate、Junior / must be one of FullSenior, AssociateSenior, Intermediate, Junior"];
        }
        Paging.Check(errors, page, pageSize, q);
        if (errors.Count > 0)
            throw new DomainValidationException(errors);
        return (new ExpertFilter(specialty, region, st, tg, q), page ?? 1, pageSize ?? Paging.DefaultPageSize);
    }

    public static async Task<Results<Ok<ExpertDto>, NotFound>> GetExpert(Guid id, ExpertPoolDbContext db, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var expert = await ExpertRegistry.LoadAsync(db.Experts.AsNoTracking(), id, ct);
        http.Response.Headers.ETag = ETag(expert.Version);
        return TypedResults.Ok(ExpertDto.From(expert, user.SeesPersonalData()));
    }

    /// <summary>The application the expert sent through the public form (公开征集), as sent; 404 for an expert registered otherwise.</summary>
    /// <summary>The application as kept. The applicant's own words may name people with their numbers: masked for non-administrators.</summary>
    public static async Task<Ok<ApplicationDto>> GetApplication(Guid id, ExpertPoolDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await db.Experts.AnyAsync(e => e.Id == id, ct))
            throw new NotFoundException("Expert", id);
        var a = await db.ExpertApplications.AsNoTracking().SingleOrDefaultAsync(x => x.ExpertId == id, ct)
            ?? throw new NotFoundException("Application of expert", id);
        var full = user.SeesPersonalData();
        return TypedResults.Ok(new ApplicationDto(
            ExpertApplicationService.Reference(a.Id), a.Channel.ToString(), a.YearsOfExperience,
            PersonalData.ForReader(a.Statement, full),
            PersonalData.ForReader(a.Recommender, full),
            a.ConsentText, a.SubmittedAt));
    }

    /// <summary>Every status change with its reason (numbers and addresses in it masked for non-administrators).</summary>
    public static async Task<Ok<List<StatusChangeDto>>> GetStatusHistory(Guid id, ExpertPoolDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await db.Experts.AnyAsync(e => e.Id == id, ct))
            throw new NotFoundException("Expert", id);
        var rows = await db.ExpertStatusChanges.AsNoTracking()
            .Where(c => c.ExpertId == id)
            .OrderBy(c => c.ChangedAt).ThenBy(c => c.Id)
            .ToListAsync(ct);
        var full = user.SeesPersonalData();
        return TypedResults.Ok(rows.Select(c => new StatusChangeDto(c.FromStatus?.ToString(), c.ToStatus.ToString(), PersonalData.ForReader(c.Reason, full), c.Actor, c.ChangedAt)).ToList());
    }

    /// <summary>
    /// The registry history, oldest first: each registration or edit that changed a recorded field, with the fields it
    /// changed, who and when. An auditor sees whether an expert's specialties, region, term or email changed shortly
    /// before a draw (decision 026).
    /// </summary>
    public static async Task<Ok<List<ExpertChangeDto>>> GetExpertHistory(Guid id, ExpertPoolDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await db.Experts.AnyAsync(e => e.Id == id, ct))
            throw new NotFoundException("Expert", id);
        var rows = await db.ExpertChanges.AsNoTracking().Where(c => c.ExpertId == id)
            .OrderBy(c => c.Version).ThenBy(c => c.ChangedAt).ThenBy(c => c.Id).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(c => ExpertChangeDto.From(c, user.SeesPersonalData())).ToList());
    }

    public static async Task<Created<ExpertDto>> CreateExpert(ExpertRequest request, ExpertRegistry registry, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var expert = await registry.CreateAsync(request.ToInput(), user.Actor(), ct);
        http.Response.Headers.ETag = ETag(expert.Version);
        return TypedResults.Created($"/api/experts/{expert.Id}", ExpertDto.From(expert, personalData: true));
    }

    public static async Task<Results<Ok<ExpertDto>, ProblemHttpResult>> UpdateExpert(
        Guid id, ExpertRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ExpertRegistry registry, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var expected = await ExpectedVersionAsync(ifMatch, id, registry, required: true, ct);
        var expert = await registry.UpdateAsync(id, expected, request.ToInput(), user.Actor(), ct);
        http.Response.Headers.ETag = ETag(expert.Version);
        return TypedResults.Ok(ExpertDto.From(expert, personalData: true));
    }

    public static async Task<Ok<ExpertDto>> ChangeStatus(
        Guid id, StatusChangeRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ExpertRegistry registry, InvitationService invitations, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Status) || !ExpertVocabulary.StatusNames.TryGetValue(request.Status.Trim(), out var target))
            throw new DomainValidationException("status", "须为以下状态之一：Applied、Active、Suspended、Removed、Retired / must be one of Applied, Active, Suspended, Removed, Retired");
        var expected = await ExpectedVersionAsync(ifMatch, id, registry, required: false, ct);
        // Leaving the pool gives up every seat of a review that has not started, in the same commit (the next backups are invited).
        var expert = await registry.ChangeStatusAsync(id, expected, target, request.Reason, user.Actor(), ct,
            e => invitations.ReleaseSeatsAsync(e, user.Actor(), ct));
        http.Response.Headers.ETag = ETag(expert.Version);
        return TypedResults.Ok(ExpertDto.From(expert, personalData: true));
    }

    private static string ETag(int version) => EntityTags.Of(version);

    /// <summary>
    /// The version the update expects, for the registry's check inside its own save; null for "any" (<c>*</c>, or no
    /// header where none is required).
    /// </summary>
    private static async Task<int?> ExpectedVersionAsync(string? ifMatch, Guid id, ExpertRegistry registry, bool required, CancellationToken ct)
    {
        if (EntityTags.Parse(ifMatch, required) is not { } tag || tag.Versions is null)
            return null;
        if (tag.Versions is [var only])
            return only;
        // A list: compare with the current version here (the registry checks the one that matched again as it saves).
        var current = (await registry.LoadAsync(id, ct)).Version;
        return tag.Matches(current)
            ? current
            : throw new PreconditionFailedException($"专家信息已被他人修改（当前版本 {current}，If-Match 中没有当前版本的 ETag），请刷新后重试 / The expert was changed by someone else (version {current}; no ETag in If-Match is the current one).");
    }
}
