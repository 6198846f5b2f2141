using System.Security.Claims;
using ExpertPool.Api.Experts;
using ExpertPool.Api.Extensions;
using ExpertPool.Api.Security;
using ExpertPool.Domain.Common;
using ExpertPool.Domain.Conflicts;
using ExpertPool.Domain.Draws;
using ExpertPool.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Api.Draws;

public sealed record PanelQuotaRequest(string? SpecialtyCode, string? RegionCode, int? Count, int? Backups);

public sealed record PanelRequestRequest(
    Guid? ProjectId,
    IReadOnlyList<PanelQuotaRequest>? Quotas,
    DateTime? ReplyDeadline,
    DateTime? ScheduledDrawAt,
    string? SupervisorName,
    Guid? SupersedesRequestId,
    string? RedrawReason);

public sealed record CancelRequest(string? Reason);

public sealed record ExclusionRequest(Guid? ExpertId, string? Reason);

public sealed record PanelQuotaDto(string Key, string SpecialtyCode, string? RegionCode, int Count, int Backups);

/// <summary>
/// A panel request as the API shows it: the commitment always, the nonce only once the draw has run
/// (<see cref="PanelRequest.IsNonceRevealable"/>), and to non-administrators only once the review has started: with the
/// request's entropy and the public rules, the nonce would rebuild a sealed panel (decision 005). A withheld nonce reads
/// <c>"sealed"</c>, as on the draw.
/// </summary>
public sealed record PanelRequestDto(
    Guid Id,
    Guid ProjectId,
    string ProjectCode,
    IReadOnlyList<PanelQuotaDto> Quotas,
    DateTime ReplyDeadline,
    DateTime ScheduledDrawAt,
    string SupervisorName,
    string RequestedBy,
    DateTime CreatedAt,
    string Status,
    string? CancelReason,
    string? CancelledBy,
    DateTime? CancelledAt,
    DateTime? DrawnAt,
    string? FailureReason,
    Guid? SupersedesRequestId,
    string? RedrawReason,
    string Commitment,
    string? RevealedNonce,
    bool Supplementary)
{
    public const string Withheld = "sealed";

    /// <param name="masked">For a non-administrator: numbers and addresses in the cancel and re-draw reasons masked.</param>
    public static PanelRequestDto From(PanelRequest r, string projectCode, bool sealedForCaller, bool masked) => new(
        r.Id, r.ProjectId, projectCode,
        r.Quotas.OrderBy(q => q.Position).Select(q => new PanelQuotaDto(q.Key, q.SpecialtyCode, q.RegionCode, q.Count, q.Backups)).ToList(),
        r.ReplyDeadline, r.ScheduledDrawAt, r.SupervisorName, r.RequestedBy, r.CreatedAt, r.Status.ToString(),
        PersonalData.ForReader(r.CancelReason, !masked), r.CancelledBy, r.CancelledAt, r.DrawnAt, r.FailureReason, r.SupersedesRequestId,
        PersonalData.ForReader(r.RedrawReason, !masked),
        r.Commitment,
        !r.IsNonceRevealable ? null : sealedForCaller ? Withheld : Convert.ToHexStringLower(r.Nonce),
        r.Supplementary);
}

public sealed record ManualExclusionDto(Guid Id, Guid ExpertId, string ExpertName, string Reason, string CreatedBy, DateTime CreatedAt);

public static class PanelRequestsEndpoints
{
    public static RouteGroupBuilder MapPanelRequests(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/panel-requests").WithTags("Panel requests").RequireAuthorization(Policies.Reader);
        group.MapGet("/", ListPanelRequests).WithName(nameof(ListPanelRequests));
        group.MapGet("/{id:guid}", GetPanelRequest).WithName(nameof(GetPanelRequest));
        // Administrators only: eligible ids plus a drawn request's seed would reveal a sealed panel. Auditors read the
        // frozen exclusions in the draw record once the review has started.
        group.MapGet("/{id:guid}/eligibility", GetEligibility).WithName(nameof(GetEligibility)).RequireAuthorization(Policies.Admin);
        group.MapGet("/{id:guid}/exclusions", ListExclusions).WithName(nameof(ListExclusions));
        group.MapPost("/", SchedulePanelRequest).WithName(nameof(SchedulePanelRequest)).RequireAuthorization(Policies.Admin);
        group.MapPost("/{id:guid}/cancel", CancelPanelRequest).WithName(nameof(CancelPanelRequest)).RequireAuthorization(Policies.Admin);
        group.MapPost("/{id:guid}/exclusions", AddExclusion).WithName(nameof(AddExclusion)).RequireAuthorization(Policies.Admin);
        return group;
    }

    public static async Task<Ok<PagedList<PanelRequestDto>>> ListPanelRequests(ExpertPoolDbContext db, ClaimsPrincipal user, TimeProvider clock, Guid? projectId, string? status, int? page, int? pageSize, CancellationToken ct)
    {
        var (p, size) = Paging.Read(page, pageSize);
        var query = db.PanelRequests.AsNoTracking();
        if (projectId is { } pid)
            query = query.Where(r => r.ProjectId == pid);
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!EnumNames.TryParse<PanelRequestStatus>(status, out var st))
                throw new DomainValidationException("status", "状态不正确 / must be one of Scheduled, Drawn, Failed, Cancelled");
            query = query.Where(r => r.Status == st);
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id).Skip((p - 1) * size).Take(size)
            .Include(r => r.Quotas).AsSplitQuery().ToListAsync(ct);
        var projects = await ProjectsAsync(db, rows.Select(r => r.ProjectId), ct);
        var sealedProjects = PanelSealing.Sealed(user, clock, projects.Values.Select(x => (x.Id, x.ReviewStartsAt)));
        return TypedResults.Ok(new PagedList<PanelRequestDto>(
            rows.Select(r => PanelRequestDto.From(r, projects[r.ProjectId].Code, sealedProjects.Contains(r.ProjectId), !user.SeesPersonalData())).ToList(), p, size, total));
    }

    public static async Task<Ok<PanelRequestDto>> GetPanelRequest(Guid id, ExpertPoolDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await LoadDtoAsync(db, id, user, clock, ct));

    public static async Task<Created<PanelRequestDto>> SchedulePanelRequest(PanelRequestRequest request, PanelRequestService service, ExpertPoolDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var input = new PanelRequestInput(
            request.ProjectId,
            request.Quotas?.Select(q => q is null ? null! : new PanelQuotaInput(q.SpecialtyCode, q.RegionCode, q.Count, q.Backups)).ToList(),
            request.ReplyDeadline, request.ScheduledDrawAt, request.SupervisorName, request.SupersedesRequestId, request.RedrawReason);
        var created = await service.ScheduleAsync(input, user.Actor(), ct);
        return TypedResults.Created($"/api/panel-requests/{created.Id}", await LoadDtoAsync(db, created.Id, user, clock, ct));
    }

    public static async Task<Ok<PanelRequestDto>> CancelPanelRequest(Guid id, CancelRequest request, PanelRequestService service, ExpertPoolDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        await service.CancelAsync(id, request.Reason, user.Actor(), ct);
        return TypedResults.Ok(await LoadDtoAsync(db, id, user, clock, ct));
    }

    public static async Task<Ok<EligibilityReport>> GetEligibility(Guid id, EligibilityService eligibility, CancellationToken ct) =>
        TypedResults.Ok(await eligibility.EvaluateAsync(id, ct));

    /// <summary>The request's manual exclusions; for a non-administrator the reasons with numbers and addresses masked.</summary>
    public static async Task<Ok<List<ManualExclusionDto>>> ListExclusions(Guid id, ExpertPoolDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await db.PanelRequests.AnyAsync(r => r.Id == id, ct))
            throw new NotFoundException("Panel request", id);
        var rows = await (from x in db.ManualExclusions
                          join e in db.Experts on x.ExpertId equals e.Id
                          where x.PanelRequestId == id
                          orderby x.CreatedAt, x.Id
                          select new ManualExclusionDto(x.Id, x.ExpertId, e.Name, x.Reason, x.CreatedBy, x.CreatedAt)).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(x => x with { Reason = PersonalData.ForReader(x.Reason, user.SeesPersonalData()) }).ToList());
    }

    public static async Task<Created<ManualExclusionDto>> AddExclusion(Guid id, ExclusionRequest request, PanelRequestService service, ExpertPoolDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var x = await service.ExcludeAsync(id, request.ExpertId, request.Reason, user.Actor(), ct);
        var name = await db.Experts.Where(e => e.Id == x.ExpertId).Select(e => e.Name).FirstAsync(ct);
        return TypedResults.Created($"/api/panel-requests/{id}/exclusions", new ManualExclusionDto(x.Id, x.ExpertId, name, x.Reason, x.CreatedBy, x.CreatedAt));
    }

    private static async Task<PanelRequestDto> LoadDtoAsync(ExpertPoolDbContext db, Guid id, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var r = await db.PanelRequests.AsNoTracking().Include(x => x.Quotas).FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw new NotFoundException("Panel request", id);
        var project = (await ProjectsAsync(db, [r.ProjectId], ct))[r.ProjectId];
        return PanelRequestDto.From(r, project.Code, PanelSealing.Sealed(user, clock, [(project.Id, project.ReviewStartsAt)]).Contains(project.Id), !user.SeesPersonalData());
    }

    private sealed record ProjectRef(Guid Id, string Code, DateTime ReviewStartsAt);

    private static async Task<Dictionary<Guid, ProjectRef>> ProjectsAsync(ExpertPoolDbContext db, IEnumerable<Guid> projectIds, CancellationToken ct)
    {
        var ids = projectIds.Distinct().ToList();
        return await db.Projects.Where(p => ids.Contains(p.Id)).Select(p => new ProjectRef(p.Id, p.Code, p.ReviewStartsAt)).ToDictionaryAsync(p => p.Id, ct);
    }

}
